package dev.vq4j.opencl;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL backend under test. Without an OpenCL device the tests skip with the reason, except
 * under CI=true (where .ci/run installs PoCL): there a missing platform, or one that fails to build
 * the kernels, is a failure.
 */
public final class OpenClTesting {
    private OpenClTesting() {}

    public static Backend backend() {
        String why = OpenClDevices.unavailableReason();
        if (why != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI")))
                throw new AssertionError("CI=true but OpenCL is unavailable: " + why);
            Assumptions.abort("OpenCL unavailable: " + why);
        }
        return Backends.get(new Device("opencl", 0));
    }
}
