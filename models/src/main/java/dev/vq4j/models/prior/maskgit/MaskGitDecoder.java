package dev.vq4j.models.prior.maskgit;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.prior.Sampling;
import dev.vq4j.models.prior.SampleProgress;

import java.util.Arrays;

/**
 * MaskGIT's iterative parallel decoding (Chang et al. 2022, §3.2, Algorithm "iterative decoding"), for a
 * batch of grids that start with some positions [MASK]. With M the number masked at the start and T steps,
 * step s = 1..T:
 * <ol>
 *   <li>one forward pass gives logits at every position; with classifier-free guidance (cfg scale s_g ≠ 1,
 *       class-conditional) the batch is run twice in one pass, with the labels and with the null class, and
 *       logits = uncond + s_g·(cond − uncond);</li>
 *   <li>every masked position draws a code c_i ({@link Sampling}: temperature, top-k, top-p, or
 *       greedy) and gets the confidence log p(c_i) + τ·(1 − s/T)·g_i, g_i ~ Gumbel(0, 1), τ the choice
 *       temperature; decided positions have confidence +∞;</li>
 *   <li>the {@link MaskSchedule#maskedAfter} = min(⌈γ(s/T)·M⌉, c − 1) least confident positions stay
 *       [MASK] (0 after step T); the others keep their drawn code for good.</li>
 * </ol>
 * Randomness: each grid has its own generator (draws in position order: code, then Gumbel noise), so a
 * grid's codes do not depend on which others share its batch.
 */
final class MaskGitDecoder {
    private final MaskGitTransformer model;
    private final MaskGitConfig config;
    private final SampleOptions options;
    private final MaskSchedule schedule;
    private final SampleProgress progress;
    private final long total;
    private long done;

    MaskGitDecoder(MaskGitTransformer model, SampleOptions options, SampleProgress progress, long totalMasked) {
        this.model = model;
        this.config = model.config();
        this.options = options;
        this.schedule = MaskSchedule.of(options.schedule());
        this.progress = progress;
        this.total = totalMasked;
    }

    /**
     * Decodes {@code b} grids in place: {@code tokens} [b·N] with [MASK] = K where undecided, {@code labels}
     * [b] (null when unconditional), {@code rngs} one per grid.
     */
    void decode(long[] tokens, long[] labels, Rng[] rngs) {
        int n = config.numTokens(), k = config.codebookSize(), b = rngs.length, mask = config.maskToken();
        int[] initial = new int[b], current = new int[b];
        for (int g = 0; g < b; g++)
            for (int i = 0; i < n; i++) if (tokens[g * n + i] == mask) initial[g]++;
        System.arraycopy(initial, 0, current, 0, b);
        boolean guided = labels != null && options.cfgScale() != 1f;
        float cfg = options.cfgScale();
        float[] row = new float[k];
        int steps = options.steps();
        for (int s = 1; s <= steps; s++) {
            if (Arrays.stream(current).allMatch(c -> c == 0)) break;
            float[] logits = forward(tokens, labels, b, guided);
            double anneal = options.choiceTemperature() * (1 - (double) s / steps);
            for (int g = 0; g < b; g++) {
                if (current[g] == 0) continue;
                int[] positions = new int[current[g]];
                long[] drawn = new long[current[g]];
                double[] confidence = new double[current[g]];
                int m = 0;
                for (int i = 0; i < n; i++) {
                    if (tokens[g * n + i] != mask) continue;
                    int off = (g * n + i) * k;
                    System.arraycopy(logits, off, row, 0, k);
                    if (guided) Sampling.guide(row, 0, logits, ((b + g) * n + i) * k, k, cfg);
                    drawn[m] = Sampling.pick(row, 0, k, options, rngs[g]);
                    // log p of the code under the distribution it was drawn from (greedy: the plain softmax)
                    confidence[m] = Sampling.logProbability(row, 0, k, (int) drawn[m]) + (anneal > 0 ? anneal * gumbel(rngs[g]) : 0);
                    positions[m++] = i;
                }
                int keepMasked = schedule.maskedAfter(s, steps, initial[g], current[g]);
                Integer[] byConfidence = new Integer[m];
                for (int j = 0; j < m; j++) byConfidence[j] = j;
                Arrays.sort(byConfidence, (x, y) -> Double.compare(confidence[x], confidence[y])); // stable: ties by position
                for (int r = keepMasked; r < m; r++) {
                    int j = byConfidence[r];
                    tokens[g * n + positions[j]] = drawn[j];
                }
                done += m - keepMasked;
                current[g] = keepMasked;
            }
            progress.tokens(done, total);
        }
    }

    private float[] forward(long[] tokens, long[] labels, int b, boolean guided) {
        int n = config.numTokens();
        if (!guided) {
            Tensor t = Tensor.ofLongs(tokens, b, n);
            return model.logitsNoGrad(t, labels == null ? null : Tensor.ofLongs(labels, b));
        }
        long[] both = new long[2 * b * n], bothLabels = new long[2 * b];
        System.arraycopy(tokens, 0, both, 0, b * n);
        System.arraycopy(tokens, 0, both, b * n, b * n);
        System.arraycopy(labels, 0, bothLabels, 0, b);
        Arrays.fill(bothLabels, b, 2 * b, config.nullClass());
        return model.logitsNoGrad(Tensor.ofLongs(both, 2 * b, n), Tensor.ofLongs(bothLabels, 2 * b));
    }

    /** A standard Gumbel draw −log(−log u), u uniform in the open interval (0, 1). */
    static double gumbel(Rng rng) {
        double u = ((rng.nextLong() >>> 11) + 0.5) * 0x1.0p-53;
        return -Math.log(-Math.log(u));
    }
}
