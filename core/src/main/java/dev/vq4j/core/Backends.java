package dev.vq4j.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds backends with {@link ServiceLoader}: each backend module lists a {@link BackendProvider} in
 * {@code META-INF/services}. A provider that cannot run here (no GPU, no driver) says why instead
 * of failing later.
 */
public final class Backends {
    private static final Map<Device, Backend> CACHE = new ConcurrentHashMap<>();
    private static volatile List<BackendProvider> providers;

    private Backends() {}

    public static List<BackendProvider> providers() {
        List<BackendProvider> p = providers;
        if (p == null) {
            List<BackendProvider> found = new ArrayList<>();
            ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(found::add);
            found.sort(Comparator.comparing(BackendProvider::type));
            providers = p = List.copyOf(found);
        }
        return p;
    }

    /** The backend for a device, created once. */
    public static Backend get(Device device) {
        return CACHE.computeIfAbsent(device, d -> {
            BackendProvider provider = provider(d.type());
            if (provider == null) {
                List<String> known = providers().stream().map(BackendProvider::type).toList();
                throw new IllegalArgumentException("no backend for device '" + d + "'; known device types: " + known
                        + (known.isEmpty() ? " (is vq4j-kernels on the class path?)" : ""));
            }
            String why = provider.unavailableReason();
            if (why != null) throw new IllegalStateException("device " + d + " is not available: " + why);
            return provider.create(d.index());
        });
    }

    /** Null when devices of this type can be used here, else one sentence saying why not (no module, driver or device). */
    public static String unavailableReason(String type) {
        BackendProvider provider = provider(type);
        return provider == null ? "no backend module for device type '" + type + "' is on the class path" : provider.unavailableReason();
    }

    private static BackendProvider provider(String type) {
        for (BackendProvider p : providers()) if (p.type().equals(type)) return p;
        return null;
    }

    /** The available backend with the highest priority. */
    public static Backend best() {
        BackendProvider best = null;
        for (BackendProvider p : providers())
            if (p.unavailableReason() == null && (best == null || p.priority() > best.priority())) best = p;
        if (best == null) throw new IllegalStateException("no backend is available (is vq4j-kernels on the class path?)");
        return get(new Device(best.type(), 0));
    }
}
