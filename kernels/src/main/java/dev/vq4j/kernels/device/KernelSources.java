package dev.vq4j.kernels.device;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The device kernel sources, resources under {@code dev/vq4j/kernels/device/}: a dialect header
 * (OpenCL or CUDA), {@code common.h}, then the kernel files in this order. OpenCL builds the
 * concatenation at run time; the CUDA module's {@code vq4j.cu} includes the same files for nvcc.
 */
public final class KernelSources {
    /** The kernel files, one per group of ops. Add a file here and to the CUDA module's vq4j.cu. */
    public static final List<String> FILES = List.of(
            "elementwise.cl", "reduce.cl", "gemm.cl", "conv.cl", "pool.cl", "index.cl",
            "search.cl", "norm.cl", "attention.cl", "optim.cl");

    private KernelSources() {}

    public static String read(String file) {
        String path = "/dev/vq4j/kernels/device/" + file;
        try (InputStream in = KernelSources.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("kernel source " + path + " is missing from the vq4j-kernels jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole program for OpenCL: dialect, common definitions, every kernel file. */
    public static String openClProgram() {
        StringBuilder sb = new StringBuilder(read("dialect_opencl.h")).append('\n').append(read("common.h")).append('\n');
        for (String f : FILES) sb.append("/* ---- ").append(f).append(" ---- */\n").append(read(f)).append('\n');
        return sb.toString();
    }
}
