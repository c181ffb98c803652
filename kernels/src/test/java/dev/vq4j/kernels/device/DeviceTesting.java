package dev.vq4j.kernels.device;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;
import org.junit.jupiter.api.Assumptions;

/**
 * The device a test needs, or a skip saying why it is not here. Under CI=true a missing OpenCL
 * device fails instead (.ci/run installs PoCL, so its absence, or a driver that cannot build the
 * kernels, is a CI failure); CUDA always skips without a GPU, since CI has none. Shared (test-jar).
 */
public final class DeviceTesting {
    private DeviceTesting() {}

    public static Backend require(Device d) {
        String why = Backends.unavailableReason(d.type());
        if (why != null) {
            if (d.type().equals("opencl") && "true".equalsIgnoreCase(System.getenv("CI")))
                throw new AssertionError("CI=true but " + d + " is unavailable: " + why);
            Assumptions.abort(d + " unavailable: " + why);
        }
        return Backends.get(d);
    }
}
