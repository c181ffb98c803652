package dev.vq4j.bench;

import dev.vq4j.autograd.Attention;
import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
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
 * Fused attention on the cpu backend, forward and forward+backward, at the shapes
 * ({@code shape} = batch x heads x seq x d). FLOPs: forward 4·B·H·L²·d, backward 2.5x that (FlashAttention-2 count).
 * Run: {@code java -jar bench/target/benchmarks.jar AttentionBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBenchmark {
    @Param({"8x1x256x512", "8x1x1024x512", "8x8x256x64"})
    public String shape;

    @Param({"false"})
    public boolean causal;

    private Tensor q, k, v, g;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        int b = Integer.parseInt(p[0]), h = Integer.parseInt(p[1]), l = Integer.parseInt(p[2]), d = Integer.parseInt(p[3]);
        Rng rng = new Rng(42);
        q = Tensor.randn(rng, b, h, l, d);
        k = Tensor.randn(rng, b, h, l, d);
        v = Tensor.randn(rng, b, h, l, d);
        g = Tensor.randn(rng, b, h, l, d);
    }

    @Benchmark
    public Tensor forward() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return Attention.scaledDotProductAttention(q, k, v, causal);
        }
    }

    @Benchmark
    public Tensor forwardBackward() {
        Tensor qq = q.detach().requiresGrad(true), kk = k.detach().requiresGrad(true), vv = v.detach().requiresGrad(true);
        Attention.scaledDotProductAttention(qq, kk, vv, causal).backward(g);
        return qq.grad();
    }
}
