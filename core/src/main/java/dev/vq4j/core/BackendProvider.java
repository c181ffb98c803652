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
}
