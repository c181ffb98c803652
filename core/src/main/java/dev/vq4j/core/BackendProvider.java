package dev.vq4j.core;

/** The {@link java.util.ServiceLoader} entry point of a backend module. */
public interface BackendProvider {
    /** Device type this provider serves, e.g. {@code cpu}. */
    String type();

    /** Higher wins for {@code Device.parse("auto")}. */
    int priority();

    /** Null when usable here, else a sentence saying what is missing (driver, device, library). */
    String unavailableReason();

    Backend create(int index);

    /** One line per device of this type on this machine, for {@code vq4j info} (empty when unavailable). */
    default java.util.List<String> devices() {
        return unavailableReason() == null ? java.util.List.of(type() + ":0") : java.util.List.of();
    }
}
