package dev.vq4j.models.prior.gpt;

import dev.vq4j.core.Rng;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.prior.Sampling;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Sampling} (the host-side draw shared by the GPT and MaskGIT samplers): 200 000 seeded draws from
 * fixed logits under temperature, top-k and top-p must match the filtered softmax by a chi-square test
 * (critical value at p = 0.001, so a correct sampler fails 1 run in 1000 seeds — the seed is fixed),
 * and tokens the filter removes must never come out.
 */
class GptTestSampling {
    static final float[] LOGITS = {2.0f, -1.0f, 0.5f, 1.5f, -3.0f, 0.0f, 1.0f, 3.0f};
    /** Chi-square critical values at p = 0.001 for 1..7 degrees of freedom. */
    static final double[] CRIT = {0, 10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32};
    static final int DRAWS = 200_000;

    /** The filtered softmax computed independently: exp(ℓ/T) over the kept set, normalised. */
    static double[] expected(float t, boolean[] kept) {
        double[] p = new double[LOGITS.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) if (kept[i]) sum += p[i] = Math.exp(LOGITS[i] / t);
        for (int i = 0; i < p.length; i++) p[i] /= sum;
        return p;
    }

    static void chiSquare(String what, float t, int k, float p, boolean[] kept) {
        Rng rng = new Rng(1234);
        long[] counts = new long[LOGITS.length];
        for (int n = 0; n < DRAWS; n++) {
            float[] row = LOGITS.clone();
            Sampling.filter(row, 0, row.length, t, k, p);
            counts[Sampling.draw(row, 0, row.length, rng)]++;
        }
        double[] e = expected(t, kept);
        double chi = 0;
        int df = -1;
        for (int i = 0; i < e.length; i++) {
            if (!kept[i]) {
                assertEquals(0, counts[i], what + ": token " + i + " is filtered out but was drawn");
                continue;
            }
            double want = e[i] * DRAWS;
            chi += (counts[i] - want) * (counts[i] - want) / want;
            df++;
        }
        System.out.printf("sampling %-32s chi2 %.2f (df %d, critical %.2f)%n", what, chi, df, df > 0 ? CRIT[df] : 0);
        if (df > 0) assertTrue(chi < CRIT[df], what + ": chi-square " + chi + " >= " + CRIT[df]);
    }

    static boolean[] keep(int... idx) {
        boolean[] k = new boolean[LOGITS.length];
        for (int i : idx) k[i] = true;
        return k;
    }

    @Test
    void plainSoftmaxWithTemperature() {
        chiSquare("T = 1", 1f, 0, 1f, keep(0, 1, 2, 3, 4, 5, 6, 7));
        chiSquare("T = 0.7", 0.7f, 0, 1f, keep(0, 1, 2, 3, 4, 5, 6, 7));
        chiSquare("T = 2.5", 2.5f, 0, 1f, keep(0, 1, 2, 3, 4, 5, 6, 7));
    }

    @Test
    void topKKeepsTheKLargest() {
        chiSquare("top-k 3", 1f, 3, 1f, keep(7, 0, 3));
        chiSquare("top-k 4, T = 0.8", 0.8f, 4, 1f, keep(7, 0, 3, 6));
        chiSquare("top-k 1", 1f, 1, 1f, keep(7));
    }

    @Test
    void topPKeepsTheSmallestNucleus() {
        // softmax at T = 1: 7 → 0.527, 0 → 0.194, 3 → 0.118, 6 → 0.071, ...: p = 0.7 needs {7, 0}, p = 0.8 {7, 0, 3}
        double[] full = expected(1f, keep(0, 1, 2, 3, 4, 5, 6, 7));
        assertTrue(full[7] + full[0] >= 0.7 && full[7] < 0.7 && full[7] + full[0] + full[3] >= 0.8 && full[7] + full[0] < 0.8);
        chiSquare("top-p 0.7", 1f, 0, 0.7f, keep(7, 0));
        chiSquare("top-p 0.8", 1f, 0, 0.8f, keep(7, 0, 3));
        chiSquare("top-p 0.01 (one token kept)", 1f, 0, 0.01f, keep(7));
        chiSquare("top-k 4 then top-p 0.8", 1f, 4, 0.8f, keep(7, 0, 3));
    }

    @Test
    void topKKeepsTiesAtTheBoundary() {
        float[] row = {1f, 2f, 2f, 0f};
        Sampling.filter(row, 0, 4, 1f, 1, 1f);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, 2f, 2f, Float.NEGATIVE_INFINITY}, row);
    }

    @Test
    void rowsOfAFlatArray() {
        float[] rows = {9f, 9f, 9f, 0f, 5f, 1f}; // the second row [0, 5, 1] at offset 3
        Rng rng = new Rng(1);
        for (int i = 0; i < 100; i++) {
            float[] r = rows.clone();
            Sampling.filter(r, 3, 3, 1f, 1, 1f);
            assertEquals(1, Sampling.draw(r, 3, 3, rng));
            assertEquals(9f, r[0]); // the first row is untouched
        }
        assertEquals(1, Sampling.argmax(rows, 3, 3));
        assertEquals(0, Sampling.argmax(new float[] {4f, 4f, 1f}, 0, 3), "ties: the first");
    }

    @Test
    void guidanceMixesConditionalAndUnconditional() {
        float[] cond = {1f, 2f, 3f}, uncond = {0f, 4f, 3f};
        Sampling.guide(cond, 0, uncond, 0, 3, 3f);
        assertArrayEquals(new float[] {3f, -2f, 3f}, cond); // u + 3(c − u)
    }

    @Test
    void pickFollowsTheOptions() {
        SampleOptions greedy = SampleOptions.DEFAULTS.withGreedy(true);
        assertEquals(7, Sampling.pick(LOGITS.clone(), 0, 8, greedy, new Rng(0)));
        SampleOptions top1 = SampleOptions.DEFAULTS.withFilter(1f, 1, 1f);
        for (int s = 0; s < 20; s++) assertEquals(7, Sampling.pick(LOGITS.clone(), 0, 8, top1, new Rng(s)));
        // same seed, same token
        SampleOptions any = SampleOptions.DEFAULTS.withFilter(1.3f, 5, 0.95f);
        assertEquals(Sampling.pick(LOGITS.clone(), 0, 8, any, new Rng(42)), Sampling.pick(LOGITS.clone(), 0, 8, any, new Rng(42)));
        assertThrows(IllegalArgumentException.class, () -> Sampling.draw(new float[] {Float.NEGATIVE_INFINITY}, 0, 1, new Rng(0)));
    }
}
