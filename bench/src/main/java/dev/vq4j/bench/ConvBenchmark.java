package dev.vq4j.bench;

import dev.vq4j.autograd.Convolution;
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
 * 3×3 stride-1 pad-1 convolutions (no bias) through the tensor API, the VQGAN shapes:
 * {@code shape} = {@code CinxCoutxHW}. {@code forward} runs under no-grad; {@code forwardBackward}
 * adds the input and weight gradients for a fixed upstream gradient.
 * FLOP per forward = 2·batch·Cout·H·W·Cin·9; forward+backward = 3× that.
 * GFLOP/s = FLOP / (score in ms · 1e6).
 * <pre>java -jar bench/target/benchmarks.jar ConvBenchmark -f 1 -wi 1 -i 1 -p shape=512x512x16 -p batch=1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:+UseParallelGC", "-Xmx8g"})
public class ConvBenchmark {
    @Param({"128x128x64", "256x256x32", "512x512x16", "3x128x256"})
    public String shape;

    @Param({"8"})
    public int batch;

    @Param({"cpu"})
    public String device;

    private Tensor x, w, gradOut;

    @Setup(Level.Trial)
    public void setup() {
        String[] s = shape.split("x");
        int cin = Integer.parseInt(s[0]), cout = Integer.parseInt(s[1]), hw = Integer.parseInt(s[2]);
        Device d = Device.parse(device);
        Rng rng = new Rng(42);
        x = Tensor.randn(rng, batch, cin, hw, hw).to(d).requiresGrad(true);
        w = Tensor.randn(rng, cout, cin, 3, 3).to(d).requiresGrad(true);
        gradOut = Tensor.randn(rng, batch, cout, hw, hw).to(d);
        System.out.printf("%nconv %s batch %d: %.3f GFLOP per forward%n", shape, batch, 2.0 * batch * cout * hw * hw * cin * 9 / 1e9);
    }

    @Benchmark
    public Tensor forward() {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return Convolution.conv2d(x, w, null, 1, 1);
        }
    }

    @Benchmark
    public Tensor forwardBackward() {
        Tensor y = Convolution.conv2d(x, w, null, 1, 1);
        y.backward(gradOut);
        x.zeroGrad();
        w.zeroGrad();
        return y;
    }
}
