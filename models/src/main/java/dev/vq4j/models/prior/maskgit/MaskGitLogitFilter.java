package dev.vq4j.models.prior.maskgit;

import dev.vq4j.core.Rng;
import dev.vq4j.models.prior.SampleOptions;

import java.util.Arrays;

/**
 * Picks one code from a row of logits on the host: greedy (argmax), or a draw from the logits divided by
 * the temperature, cut to the top-k and then to the top-p nucleus. Package-private and MaskGIT's own for
 * now: it is meant to be unified with the shared {@code dev.vq4j.models.prior.Sampling} the GPT prior adds.
 *
 * <p>Ties at the top-k threshold are all kept (as {@code logits < topk(logits, k)[-1]} masks in PyTorch);
 * the nucleus keeps the smallest set of most likely codes whose probability reaches P, at least one.
 */
final class MaskGitLogitFilter {
    private final SampleOptions options;
    private final double[] p;
    private final Integer[] order;

    MaskGitLogitFilter(SampleOptions options, int k) {
        this.options = options;
        this.p = new double[k];
        this.order = options.topP() < 1 ? new Integer[k] : null;
    }

    /**
     * Chooses a code from {@code logits[off, off + K)}; writes log p(code) to {@code logProb[0]}, where p is
     * the distribution it was drawn from (for greedy, the plain softmax of the logits).
     */
    int choose(float[] logits, int off, Rng rng, double[] logProb) {
        int k = p.length;
        if (options.greedy()) {
            int best = 0;
            for (int i = 1; i < k; i++) if (logits[off + i] > logits[off + best]) best = i;
            double lse = 0;
            for (int i = 0; i < k; i++) lse += Math.exp((double) logits[off + i] - logits[off + best]);
            logProb[0] = -Math.log(lse);
            return best;
        }
        double t = options.temperature();
        for (int i = 0; i < k; i++) p[i] = logits[off + i] / t;
        if (options.topK() > 0 && options.topK() < k) {
            double[] sorted = p.clone();
            Arrays.sort(sorted);
            double threshold = sorted[k - options.topK()];
            for (int i = 0; i < k; i++) if (p[i] < threshold) p[i] = Double.NEGATIVE_INFINITY;
        }
        softmaxInPlace();
        if (order != null) nucleus(options.topP());
        double u = rng.nextDouble(), acc = 0;
        int pick = -1;
        for (int i = 0; i < k; i++) {
            if (p[i] <= 0) continue;
            pick = i;
            acc += p[i];
            if (u < acc) break;
        }
        logProb[0] = Math.log(p[pick]);
        return pick;
    }

    private void softmaxInPlace() {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : p) max = Math.max(max, v);
        for (int i = 0; i < p.length; i++) sum += p[i] = Math.exp(p[i] - max);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
    }

    private void nucleus(double topP) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double acc = 0, kept = 0;
        int i = 0;
        for (; i < order.length; i++) {
            acc += p[order[i]];
            if (acc >= topP) { i++; break; }
        }
        for (int j = i; j < order.length; j++) p[order[j]] = 0;
        for (int j = 0; j < Math.min(i, order.length); j++) kept += p[order[j]];
        for (int j = 0; j < Math.min(i, order.length); j++) p[order[j]] /= kept;
    }
}
