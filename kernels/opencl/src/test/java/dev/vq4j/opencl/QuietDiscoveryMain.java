package dev.vq4j.opencl;

import dev.vq4j.core.BackendProvider;
import dev.vq4j.core.Backends;

/**
 * Run in a child JVM by {@link OpenClLibraryTest}: backend discovery as {@code vq4j info} does it, printing
 * nothing but the OpenCL reason, so the test can tell any other output (JOCL's native "Could not load
 * libOpenCL.so.1" lines, warnings) from it. Argument {@code all}: ask every provider, else only OpenCL.
 */
public final class QuietDiscoveryMain {
    private QuietDiscoveryMain() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("all"))
            for (BackendProvider p : Backends.providers()) p.unavailableReason();
        System.out.println("opencl: " + Backends.unavailableReason("opencl"));
    }
}
