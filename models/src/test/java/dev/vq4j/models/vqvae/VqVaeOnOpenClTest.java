package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceTesting;
import dev.vq4j.models.train.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A VQ-VAE trains for a few steps with every tensor on OpenCL and follows the cpu run: the same
 * seed, data and config give per-step losses within 1e-3 (relative) of the cpu backend's. Skipped
 * without an OpenCL device, except under CI=true (PoCL is installed there).
 */
class VqVaeOnOpenClTest {
    @AfterEach
    void restore() {
        Tensor.setDefaultDevice(Device.CPU);
    }

    static float[] train(Device device, Path run) {
        Tensor.setDefaultDevice(device);
        VqVaeConfig c = QuantizerFactoryTest.config("\"quantizer\": \"vq\", \"codebook_size\": 8, \"code_dim\": 4");
        Trainer t = new Trainer(Trainer.newModel(c, 3), QuantizerFactoryTest.train(6), QuantizerFactoryTest.DATA, QuantizerFactoryTest.DATA, run);
        return t.run(null).losses();
    }

    @Test
    void vqVaeTrainsOnOpenClAsOnTheCpu(@TempDir Path tmp) {
        Device cl = DeviceTesting.require(new Device("opencl", 0)).device();
        float[] cpu = train(Device.CPU, tmp.resolve("cpu"));
        float[] gpu = train(cl, tmp.resolve("opencl"));
        assertEquals(cpu.length, gpu.length);
        for (int i = 0; i < cpu.length; i++) {
            double rel = Math.abs(gpu[i] - cpu[i]) / Math.abs(cpu[i]);
            System.out.printf("step %d: cpu %.6f, opencl %.6f (rel %.1e)%n", i + 1, cpu[i], gpu[i], rel);
            assertTrue(rel < 1e-3, "step " + (i + 1) + ": opencl loss " + gpu[i] + " vs cpu " + cpu[i]);
        }
        assertTrue(gpu[gpu.length - 1] < gpu[0], "the loss falls on OpenCL");
    }
}
