package dev.vq4j.bench;

import dev.vq4j.core.Rng;
import dev.vq4j.kernels.cpu.gemm.GemmOut;
import dev.vq4j.kernels.cpu.gemm.Sgemm1;
import dev.vq4j.kernels.cpu.gemm.Sgemm2;
import dev.vq4j.kernels.cpu.gemm.Sgemm3;
import dev.vq4j.kernels.cpu.gemm.StridedPanel;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The packed SGEMM kernel on row-major float arrays, C = A·B with A [M,K], B [K,N], output reused.
 * {@code shape} is {@code n} (square) or {@code MxKxN}; {@code version} picks the numbered kernel
 * (3 = threaded, the one the backend uses; 2 = same on one thread; 1 = unblocked i-k-j).
 * GFLOP/s = 2·M·N·K / (score in ms · 1e6). Threads: {@code -Dvq4j.threads} / {@code VQ4J_THREADS}
 * (default: all processors), e.g. {@code -jvmArgsAppend -Dvq4j.threads=2}.
 * <pre>java -jar bench/target/benchmarks.jar SgemmBenchmark -f 1 -wi 1 -i 1 -p shape=512</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class SgemmBenchmark {
    @Param({"512", "1024", "2048", "4096x256x16384"})
    public String shape;

    @Param({"3"})
    public int version;

    private int m, n, k;
    private StridedPanel a, b;
    private GemmOut c;

    @Setup(Level.Trial)
    public void setup() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0]);
        k = s.length == 3 ? Integer.parseInt(s[1]) : m;
        n = s.length == 3 ? Integer.parseInt(s[2]) : m;
        Rng rng = new Rng(42);
        a = StridedPanel.left(random(rng, m * k), 0, 0, k, 1);
        b = StridedPanel.right(random(rng, k * n), 0, 0, n, 1);
        c = GemmOut.strided(new float[m * n], 0, 0, n, 1);
        System.out.printf("%nSGEMM %dx%dx%d: %.3f GFLOP per call%n", m, k, n, 2.0 * m * n * k / 1e9);
    }

    private static float[] random(Rng rng, int count) {
        float[] f = new float[count];
        for (int i = 0; i < count; i++) f[i] = (float) rng.nextGaussian();
        return f;
    }

    @Benchmark
    public float[] sgemm() {
        switch (version) {
            case 1 -> Sgemm1.multiply(1, m, n, k, a, b, c, false);
            case 2 -> Sgemm2.multiply(1, m, n, k, a, b, c, false);
            default -> Sgemm3.multiply(1, m, n, k, a, b, c, false);
        }
        return c.data();
    }
}
