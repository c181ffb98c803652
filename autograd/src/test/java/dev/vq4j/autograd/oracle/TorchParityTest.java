package dev.vq4j.autograd.oracle;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceTesting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base class of the tests that compare with PyTorch: one oracle process per test class, started
 * before the first test and stopped after the last (skipped, or failed under CI, without torch).
 */
public abstract class TorchParityTest {
    protected static TorchOracle torch;

    /**
     * Starts the oracle. With {@code -Dvq4j.testDevice=opencl} (set by the OpenCL module's
     * {@code parity-on-opencl} run) every tensor of the test is created on that device, so the
     * whole parity suite checks that backend's forward and backward against PyTorch.
     */
    @BeforeAll
    static void startTorchOracle() {
        String device = System.getProperty("vq4j.testDevice");
        if (device != null && !device.isBlank()) {
            Tensor.setDefaultDevice(DeviceTesting.require(Device.parse(device)).device());
        }
        torch = TorchOracle.start();
    }

    @AfterAll
    static void stopTorchOracle() {
        TorchOracle.stop(torch);
        torch = null;
        Tensor.setDefaultDevice(Device.CPU);
    }
}
