package dev.vq4j.cuda;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceTesting;
import org.junit.jupiter.api.Assumptions;

import java.io.File;

/**
 * The CUDA backend under test, and what the GPU-free tests need. Without a usable CUDA device the
 * GPU tests skip with the reason, under CI=true too: CI has no GPU (run them on the lent GPU
 * machine, see kernels/cuda/README.md).
 */
final class CudaTesting {
    private CudaTesting() {}

    static Backend backend() {
        return DeviceTesting.require(new Device("cuda", 0));
    }

    /** Whether this build could compile PTX: nvcc on PATH (as build-ptx.sh looks for it). */
    static boolean nvccOnPath() {
        String nvcc = System.getenv().getOrDefault("NVCC", "nvcc");
        if (nvcc.contains("/")) return new File(nvcc).canExecute();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            if (!dir.isEmpty() && new File(dir, nvcc).canExecute()) return true;
        return false;
    }

    /** The PTX of a target as text, skipping the test when the build had no nvcc. */
    static String ptx(CudaPtx.Target t) {
        if (CudaPtx.present().isEmpty()) Assumptions.abort("built without nvcc: no PTX to check");
        return CudaPtx.text(t);
    }
}
