package dev.vq4j.bench;

import dev.vq4j.autograd.CodebookSearch;
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
 * Fused nearest-codebook search (top-1, squared L2) on the cpu backend: N queries of dimension D
 * against K codes. FLOPs counted as 2·N·K·D; peers (torch addmm/cdist + argmin, FAISS IndexFlatL2)
 * run the same shapes in bench/peers.py. Subset: {@code -p n=4096 -p d=8 -p k=1024}.
 * Run: {@code java -jar bench/target/benchmarks.jar CodebookSearchBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC"})
public class CodebookSearchBenchmark {
    @Param({"4096", "65536"})
    public int n;

    @Param({"4", "8", "32", "64", "256"})
    public int d;

    @Param({"512", "1024", "8192", "16384"})
    public int k;

    private Tensor x, codes;

    @Setup(Level.Trial)
    public void setup() {
        Rng rng = new Rng(42);
        x = Tensor.randn(rng, n, d).to(Device.CPU);
        codes = Tensor.randn(rng, k, d).to(Device.CPU);
    }

    @Benchmark
    public Tensor nearest() {
        return CodebookSearch.nearest(x, codes).indices();
    }
}
