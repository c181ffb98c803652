package dev.vq4j.bench;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Normalization;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Device;
import dev.vq4j.core.Rng;
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
 * Fused silu(group_norm(x)) with 32 groups at VQGAN's ResnetBlock shapes ({@code shape} = N x C x H x W),
 * forward and forward+backward (input and affine gradients). Memory-bound: compare bytes moved, not FLOPs.
 * Run: {@code java -jar bench/target/benchmarks.jar GroupNormBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GroupNormBenchmark {
    @Param({"8x128x64x64", "8x256x32x32", "8x512x16x16"})
    public String shape;

    @Param({"cpu"})
    public String device;

    private Tensor x, w, b, g;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        int[] s = {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3])};
        Device d = Device.parse(device);
        Rng rng = new Rng(42);
        x = Tensor.randn(rng, s).to(d);
        w = Tensor.randn(rng, s[1]).to(d);
        b = Tensor.randn(rng, s[1]).to(d);
        g = Tensor.randn(rng, s).to(d);
    }

    @Benchmark
    public Tensor forward() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return Normalization.groupNormSwish(x, 32, w, b, 1e-6f);
        }
    }

    @Benchmark
    public Tensor forwardBackward() {
        Tensor xx = x.detach().requiresGrad(true), ww = w.detach().requiresGrad(true), bb = b.detach().requiresGrad(true);
        Normalization.groupNormSwish(xx, 32, ww, bb, 1e-6f).backward(g);
        return xx.grad();
    }
}
