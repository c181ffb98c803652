package dev.vq4j.bench;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.DType;
import dev.vq4j.core.Device;
import dev.vq4j.core.Rng;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceKernelBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One backend kernel on one device, through the {@link Backend} interface (as the tensor layer
 * calls it), inputs and outputs resident on the device, the call timed up to its completion
 * (device backends enqueue asynchronously; {@link DeviceKernelBackend#synchronize()} waits).
 * {@code device}: cpu, opencl[:n], cuda[:n]. {@code op} and {@code shape}:
 * <ul>
 *   <li>{@code sgemm}, shape {@code n} or {@code MxKxN}: 2·M·N·K flops</li>
 *   <li>{@code conv3x3}, shape {@code NxCxHxWxO}, stride 1, padding 1: 2·N·O·H·W·C·9 flops</li>
 *   <li>{@code attention}, shape {@code BHxLxd}, not causal: 4·BH·L²·d flops (QKᵀ and PV)</li>
 *   <li>{@code search}, shape {@code NxDxK}, top-1 squared L2: 2·N·K·D flops</li>
 * </ul>
 * <pre>java -jar bench/target/benchmarks.jar DeviceKernelBenchmark -p device=opencl -p op=sgemm -p shape=512</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class DeviceKernelBenchmark {
    @Param({"cpu", "opencl"})
    public String device;

    @Param({"sgemm"})
    public String op;

    @Param({"512"})
    public String shape;

    private Backend backend;
    private View a, b, c, d, e;
    private Conv2dParams conv;
    private float scale;

    @Setup(Level.Trial)
    public void setup() {
        backend = Backends.get(Device.parse(device));
        int[] s = parse(shape);
        Rng rng = new Rng(42);
        switch (op) {
            case "sgemm" -> {
                int m = s[0], k = s.length == 3 ? s[1] : m, n = s.length == 3 ? s[2] : m;
                a = random(rng, 1, m, k);
                b = random(rng, 1, k, n);
                c = empty(DType.FLOAT32, 1, m, n);
            }
            case "conv3x3" -> {
                a = random(rng, s[0], s[1], s[2], s[3]);
                b = random(rng, s[4], s[1], 3, 3);
                c = empty(DType.FLOAT32, s[0], s[4], s[2], s[3]);
                conv = new Conv2dParams(1, 1, 1, 1, 1, 1, 1);
            }
            case "attention" -> {
                a = random(rng, 1, s[0], s[1], s[2]);
                b = random(rng, 1, s[0], s[1], s[2]);
                c = random(rng, 1, s[0], s[1], s[2]);
                d = empty(DType.FLOAT32, 1, s[0], s[1], s[2]);
                e = empty(DType.FLOAT32, 1, s[0], s[1]);
                scale = (float) (1 / Math.sqrt(s[2]));
            }
            case "search" -> {
                a = random(rng, s[0], s[1]);
                b = random(rng, s[2], s[1]);
                c = empty(DType.INT64, s[0], 1);
                d = empty(DType.FLOAT32, s[0], 1);
            }
            default -> throw new IllegalArgumentException("unknown op " + op + " (sgemm, conv3x3, attention, search)");
        }
        System.out.printf("%n%s %s on %s: %.3f GFLOP per call (%s)%n", op, shape, device, flops(s) / 1e9, backend.describe());
    }

    /** Flops per call, for GFLOP/s = flops / (ms · 1e6). */
    double flops(int[] s) {
        return switch (op) {
            case "sgemm" -> s.length == 3 ? 2.0 * s[0] * s[1] * s[2] : 2.0 * s[0] * s[0] * s[0];
            case "conv3x3" -> 2.0 * s[0] * s[4] * s[2] * s[3] * s[1] * 9;
            case "attention" -> 4.0 * s[0] * s[1] * s[1] * s[2];
            default -> 2.0 * s[0] * s[2] * s[1];
        };
    }

    @Benchmark
    public void run() {
        switch (op) {
            case "sgemm" -> backend.matmul(a, b, c);
            case "conv3x3" -> backend.conv2d(a, b, c, conv);
            case "attention" -> backend.attention(a, b, c, d, e, scale, false);
            default -> backend.nearestCodes(a, b, 1, false, c, d);
        }
        if (backend instanceof DeviceKernelBackend dk) dk.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (View v : new View[] {a, b, c, d, e}) if (v != null) v.buffer().close();
    }

    private View random(Rng rng, int... shape) {
        float[] v = new float[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return View.contiguous(backend.upload(v), shape);
    }

    private View empty(DType dtype, int... shape) {
        return View.contiguous(backend.allocate(dtype, Shapes.numel(shape)), shape);
    }

    static int[] parse(String shape) {
        String[] p = shape.split("x");
        int[] s = new int[p.length];
        for (int i = 0; i < p.length; i++) s[i] = Integer.parseInt(p[i]);
        return s;
    }
}
