package dev.vq4j.bench;

import dev.vq4j.autograd.GradMode;
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
 * Square SGEMM through the tensor API on each host backend. Report GFLOP/s as 2·n³ / time.
 * Run: {@code java -jar bench/target/benchmarks.jar MatmulBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatmulBenchmark {
    @Param({"256", "512"})
    public int n;

    @Param({"cpu", "reference"})
    public String device;

    private Tensor a, b;

    @Setup(Level.Trial)
    public void setup() {
        Device d = Device.parse(device);
        Rng rng = new Rng(42);
        a = Tensor.randn(rng, n, n).to(d);
        b = Tensor.randn(rng, n, n).to(d);
    }

    @Benchmark
    public Tensor matmul() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return a.matmul(b);
        }
    }
}
