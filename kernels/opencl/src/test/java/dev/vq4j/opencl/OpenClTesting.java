package dev.vq4j.opencl;

import dev.vq4j.core.Backend;
import dev.vq4j.core.BackendProvider;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;
import org.junit.jupiter.api.Assumptions;

/**
 * The device backend under test: {@code opencl:0}, or the device named by
 * {@code -Dvq4j.kernelTestDevice} (e.g. {@code cuda:0}: the same kernel suite then checks the CUDA
 * backend, whose kernels are the same sources). Without that device the tests skip with the reason,
 * except under CI=true for OpenCL (where .ci/run installs PoCL): there a missing platform, or one
 * that fails to build the kernels, is a failure.
 */
public final class OpenClTesting {
    private OpenClTesting() {}

    public static Backend backend() {
        Device d = Device.parse(System.getProperty("vq4j.kernelTestDevice", "opencl:0"));
        String why = "no backend module for " + d.type() + " on the class path";
        for (BackendProvider p : Backends.providers()) if (p.type().equals(d.type())) why = p.unavailableReason();
        if (why != null) {
            if (d.type().equals("opencl") && "true".equalsIgnoreCase(System.getenv("CI")))
                throw new AssertionError("CI=true but OpenCL is unavailable: " + why);
            Assumptions.abort(d + " unavailable: " + why);
        }
        return Backends.get(d);
    }
}
