package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceTesting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --device on every command: listed in every help, a device that is not there is one line and
 * status 2, and train → encode → eval → reconstruct run on OpenCL (PoCL in CI), giving the codes the
 * cpu gives for the same checkpoint.
 */
class DeviceOptionTest {
    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandTakesDeviceAndBadDevicesAreOneLine() {
        for (String c : List.of("info", "demo", "train", "encode", "decode", "reconstruct", "eval"))
            assertTrue(run(c, "--help").out().contains("--device VALUE"), c);
        Result r = run("info", "--device", "tpu");
        assertEquals(2, r.status());
        assertEquals("vq4j info: --device tpu: no backend for device 'tpu:0'; known device types: [cpu, cuda, opencl, reference] (vq4j info lists the devices)",
                r.err().strip());
        r = run("eval", "--device", "opencl:7", "--checkpoint", "x");
        assertEquals(2, r.status());
        assertTrue(r.err().strip().lines().count() == 1 && r.err().contains("opencl:7"), r.err());
        if (Backends.unavailableReason("cuda") != null) {
            r = run("demo", "--device", "cuda");
            assertEquals(2, r.status());
            assertTrue(r.err().startsWith("vq4j demo: --device cuda: device cuda:0 is not available: "), r.err());
        }
        assertEquals(Device.CPU, Tensor.defaultDevice(), "the default device is restored after a command");
    }

    /** A VQGAN trains across disc_start on OpenCL (generator, LPIPS-free loss, discriminator, both Adams on the device). */
    @Test
    void vqganTrainsOnOpenCl(@TempDir Path tmp) {
        DeviceTesting.require(new Device("opencl", 0));
        Result r = run("train", "--model", "vqgan", "--device", "opencl", "--steps", "3", "--ch", "32", "--ch-mult", "1,2", "--z-channels", "8",
                "--code-dim", "8", "--codebook-size", "16", "--image-size", "16", "--train-images", "8", "--eval-images", "4", "--batch", "2", "--disc-start", "2",
                "--disc-ndf", "8", "--disc-layers", "2", "--warmup", "1", "--out", tmp.resolve("run").toString());
        assertEquals(0, r.status(), r.err() + r.out());
        assertTrue(r.out().contains("step 3: discriminator switched on (disc_start 2)"), r.out());
        assertTrue(Files.exists(tmp.resolve("run/samples/step-00000003.png")));
    }

    @Test
    void trainEncodeEvalReconstructOnOpenCl(@TempDir Path tmp) throws Exception {
        DeviceTesting.require(new Device("opencl", 0));
        Path run = tmp.resolve("run");
        Result r = run("train", "--device", "opencl", "--out", run.toString(), "--steps", "3", "--image-size", "8", "--train-images", "32",
                "--eval-images", "8", "--batch", "4", "--hidden", "8", "--residual-channels", "4", "--residual-layers", "1",
                "--downsample", "2", "--codebook-size", "8", "--code-dim", "4", "--warmup", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("held-out  PSNR"), r.out());
        for (String device : List.of("opencl", "cpu")) {
            r = run("encode", "--device", device, "--checkpoint", run.toString(), "--count", "3", "--out", tmp.resolve(device + ".npy").toString());
            assertEquals(0, r.status(), r.err());
        }
        assertArrayEquals(Npy.readIntegers(tmp.resolve("cpu.npy")).data(), Npy.readIntegers(tmp.resolve("opencl.npy")).data(),
                "codes from OpenCL and from the cpu backend");
        r = run("eval", "--device", "opencl", "--checkpoint", run.toString(), "--count", "8");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("PSNR"), r.out());
        r = run("reconstruct", "--device", "opencl", "--checkpoint", run.toString(), "--count", "4", "--out", tmp.resolve("grid.png").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.size(tmp.resolve("grid.png")) > 0);
    }
}
