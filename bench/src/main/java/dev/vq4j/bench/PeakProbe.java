package dev.vq4j.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * This machine's fp32 FMA peak: 12 independent FMA chains on the preferred species (enough to
 * cover 4-cycle latency on 2 FMA ports with room to spare), no memory traffic, 2 threads.
 * The score is vector FMAs per nanosecond summed over the threads; GFLOP/s = score · 2 · L
 * (L = lanes, 16 with AVX-512, printed at setup). Override the thread count with {@code -t}.
 * <pre>java -jar bench/target/benchmarks.jar PeakProbe -f 1 -wi 1 -i 1</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PeakProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int STEPS = 4096, CHAINS = 12;

    public float scale = 0.999f, shift = 1e-6f;

    static {
        System.out.println("\nPeakProbe: " + S.length() + " lanes; GFLOP/s = score * " + 2 * S.length());
    }

    @Benchmark
    @OperationsPerInvocation(STEPS * CHAINS)
    public float fmaChains() {
        FloatVector m = FloatVector.broadcast(S, scale), s = FloatVector.broadcast(S, shift);
        FloatVector c0 = FloatVector.broadcast(S, 1f), c1 = c0.add(s), c2 = c1.add(s), c3 = c2.add(s), c4 = c3.add(s), c5 = c4.add(s);
        FloatVector c6 = c5.add(s), c7 = c6.add(s), c8 = c7.add(s), c9 = c8.add(s), c10 = c9.add(s), c11 = c10.add(s);
        for (int i = 0; i < STEPS; i++) {
            c0 = c0.fma(m, s); c1 = c1.fma(m, s); c2 = c2.fma(m, s); c3 = c3.fma(m, s);
            c4 = c4.fma(m, s); c5 = c5.fma(m, s); c6 = c6.fma(m, s); c7 = c7.fma(m, s);
            c8 = c8.fma(m, s); c9 = c9.fma(m, s); c10 = c10.fma(m, s); c11 = c11.fma(m, s);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
