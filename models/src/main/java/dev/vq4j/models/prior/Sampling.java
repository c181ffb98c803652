package dev.vq4j.models.prior;

import dev.vq4j.core.Rng;

import java.util.Arrays;

/**
 * Turning one row of logits into a token, on the host, for the GPT and MaskGIT samplers. Each
 * method works on {@code logits[off .. off+len)} (a row of a flattened [rows, vocab] array) in place:
 * <ol>
 *   <li>{@link #guide}: classifier-free guidance, ℓ = ℓ_u + s·(ℓ_c − ℓ_u) (Ho and Salimans 2022);</li>
 *   <li>{@link #filter}: ℓ / T, then top-k (keep every logit ≥ the k-th largest, as taming's
 *       {@code top_k_logits}; ties at the boundary kept), then top-p (nucleus, Holtzman et al. 2020:
 *       the smallest set of most likely tokens whose softmax probability sums to ≥ p, at least one);
 *       removed logits become −∞;</li>
 *   <li>{@link #draw}: one categorical draw from softmax(ℓ) by inverse CDF with one {@code nextDouble()},
 *       or {@link #argmax} (greedy; lowest index on ties, as torch.topk / argmax).</li>
 * </ol>
 * {@link #pick} does 2–3 as {@link SampleOptions} asks. −∞ logits are never drawn.
 */
public final class Sampling {
    private Sampling() {}

    /** cond := uncond + scale·(cond − uncond), elementwise over the row. */
    public static void guide(float[] cond, int condOff, float[] uncond, int uncondOff, int len, float scale) {
        for (int i = 0; i < len; i++) {
            float u = uncond[uncondOff + i];
            cond[condOff + i] = u + scale * (cond[condOff + i] - u);
        }
    }

    /** Temperature, top-k (0: off), top-p (1: off) in place; see the class comment. */
    public static void filter(float[] logits, int off, int len, float temperature, int topK, float topP) {
        if (!(temperature > 0)) throw new IllegalArgumentException("sampling: temperature must be > 0, got " + temperature);
        if (temperature != 1f) for (int i = off; i < off + len; i++) logits[i] /= temperature;
        if (topK > 0 && topK < len) {
            float[] sorted = Arrays.copyOfRange(logits, off, off + len);
            Arrays.sort(sorted);
            float kth = sorted[len - topK];
            for (int i = off; i < off + len; i++) if (logits[i] < kth) logits[i] = Float.NEGATIVE_INFINITY;
        }
        if (topP < 1f) {
            double[] p = softmax(logits, off, len);
            Integer[] order = new Integer[len];
            for (int i = 0; i < len; i++) order[i] = i;
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a])); // stable: ties in index order
            double cum = 0;
            int kept = 0;
            while (kept < len && (kept == 0 || cum < topP)) cum += p[order[kept++]];
            for (int r = kept; r < len; r++) logits[off + order[r]] = Float.NEGATIVE_INFINITY;
        }
    }

    /** softmax of the row in double (−∞ → 0). */
    public static double[] softmax(float[] logits, int off, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) max = Math.max(max, logits[i]);
        if (max == Double.NEGATIVE_INFINITY || Double.isNaN(max))
            throw new IllegalArgumentException("sampling: no finite logit in the row (max " + max + ")");
        double[] p = new double[len];
        double sum = 0;
        for (int i = 0; i < len; i++) sum += p[i] = Math.exp(logits[off + i] - max);
        for (int i = 0; i < len; i++) p[i] /= sum;
        return p;
    }

    /** log softmax(row)[index], in double: log p of a code under the (filtered) logits it was drawn from. */
    public static double logProbability(float[] logits, int off, int len, int index) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = off; i < off + len; i++) max = Math.max(max, logits[i]);
        for (int i = off; i < off + len; i++) sum += Math.exp(logits[i] - max);
        return logits[off + index] - max - Math.log(sum);
    }

    /** Index (0-based within the row) of the largest logit, the first on ties. */
    public static int argmax(float[] logits, int off, int len) {
        int best = 0;
        for (int i = 1; i < len; i++) if (logits[off + i] > logits[off + best]) best = i;
        return best;
    }

    /** One draw from softmax(row), index within the row; tokens of probability 0 (−∞ logits) never come out. */
    public static int draw(float[] logits, int off, int len, Rng rng) {
        double[] p = softmax(logits, off, len);
        double u = rng.nextDouble(), cum = 0;
        int last = -1;
        for (int i = 0; i < len; i++) {
            if (p[i] == 0) continue;
            cum += p[i];
            last = i;
            if (u < cum) return i;
        }
        return last; // rounding: u above the final cumulative sum
    }

    /** Greedy, or filter then draw, as the options say (row modified in place). */
    public static int pick(float[] logits, int off, int len, SampleOptions o, Rng rng) {
        if (o.greedy()) return argmax(logits, off, len);
        filter(logits, off, len, o.temperature(), o.topK(), o.topP());
        return draw(logits, off, len, rng);
    }
}
