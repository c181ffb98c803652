package dev.vq4j.bench;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.prior.SampleProgress;
import dev.vq4j.models.prior.Sampling;
import dev.vq4j.models.prior.gpt.Gpt;
import dev.vq4j.models.prior.gpt.GptConfig;
import dev.vq4j.models.prior.gpt.GptPrior;
import dev.vq4j.models.prior.gpt.GptPriorConfig;
import dev.vq4j.models.prior.gpt.KvCache;
import dev.vq4j.models.prior.maskgit.MaskGitConfig;
import dev.vq4j.models.prior.maskgit.MaskGitPrior;
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
 * Sampling from the priors at the size: a taming GPT of 12 layers × 8 heads × 512 wide, K = 1024
 * codes (vocab 1025: the codes and the start token), a 16×16 grid (256 tokens per image), random weights,
 * unconditional, temperature 1, no top-k. One op = one call, each a whole generation:
 * <ul>
 *   <li>{@code gptKvCache}: {@link GptPrior#sample} of {@code batch} images, 256 tokens each, prefill + one
 *       KV-cache decode step per token. Tokens/s = batch·256 / time.</li>
 *   <li>{@code gptKvCacheShort} and {@code gptRecompute}: batch 1, {@link #SHORT} new tokens, drawn by the
 *       same host sampler; the first with the KV cache, the second by a full forward over the growing prefix
 *       for every token (no cache). Their ratio is the KV cache's speed-up at that length (it grows with the
 *       length: the recompute is quadratic in it).</li>
 *   <li>{@code maskGit}: {@link MaskGitPrior#sample}, 8 steps, cosine schedule, {@code batch} images of a
 *       MaskGIT transformer of the same size (12 × 8 × 512, MLP 4×). Images/s = batch / time.</li>
 * </ul>
 * Run: {@code java -jar bench/target/benchmarks.jar GenerationBenchmark -t 1}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GenerationBenchmark {
    public static final int LAYERS = 12, HEADS = 8, WIDTH = 512, CODES = 1024, GRID = 16;
    /** New tokens of the KV-cache-vs-recompute pair. */
    public static final int SHORT = 64;

    static GptPrior gpt() {
        GptConfig g = new GptConfig(CODES + 1, GRID * GRID, LAYERS, HEADS, WIDTH);
        return new GptPrior(new GptPriorConfig(CODES, GRID, GRID, 0, CODES, 0, 1f, 0f, g), new Rng(1));
    }

    @State(Scope.Benchmark)
    public static class GptState {
        @Param({"1", "16"})
        public int batch;
        GptPrior prior;

        @Setup(Level.Trial)
        public void setup() {
            prior = gpt();
        }
    }

    @State(Scope.Benchmark)
    public static class ShortState {
        Gpt gpt;

        @Setup(Level.Trial)
        public void setup() {
            gpt = gpt().gpt();
            gpt.eval();
        }
    }

    @State(Scope.Benchmark)
    public static class MaskGitState {
        @Param({"16"})
        public int maskgitBatch;
        MaskGitPrior prior;

        @Setup(Level.Trial)
        public void setup() {
            prior = new MaskGitPrior(MaskGitConfig.of(CODES, GRID, GRID, 0, LAYERS, HEADS, WIDTH, 4, 0f, 0f), new Rng(1));
        }
    }

    @Benchmark
    public Tensor gptKvCache(GptState s) {
        return s.prior.sample(SampleOptions.DEFAULTS.withCount(s.batch).withBatchSize(s.batch), SampleProgress.NONE);
    }

    @Benchmark
    public long gptKvCacheShort(ShortState s) {
        Rng rng = new Rng(7);
        long token = CODES, sum = 0;
        try (KvCache cache = s.gpt.newCache(1)) {
            Tensor logits = cache.prefill(Tensor.ofLongs(new long[] {token}, 1, 1)).select(1, 0);
            for (int i = 0; i < SHORT; i++) {
                token = draw(logits.contiguous().toFloatArray(), 0, rng);
                sum += token;
                if (i + 1 < SHORT) logits = cache.decodeStep(Tensor.ofLongs(new long[] {token}, 1));
            }
        }
        return sum;
    }

    @Benchmark
    public long gptRecompute(ShortState s) {
        Rng rng = new Rng(7);
        long[] seq = new long[SHORT + 1];
        seq[0] = CODES;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int i = 0; i < SHORT; i++) {
                Tensor logits = s.gpt.forward(Tensor.ofLongs(java.util.Arrays.copyOf(seq, i + 1), 1, i + 1)).select(1, i);
                seq[i + 1] = draw(logits.contiguous().toFloatArray(), 0, rng);
            }
        }
        return seq[SHORT];
    }

    private static long draw(float[] logits, int off, Rng rng) {
        return Sampling.pick(logits, off, CODES, SampleOptions.DEFAULTS, rng);
    }

    @Benchmark
    public Tensor maskGit(MaskGitState s) {
        return s.prior.sample(SampleOptions.DEFAULTS.withCount(s.maskgitBatch).withBatchSize(s.maskgitBatch), SampleProgress.NONE);
    }
}
