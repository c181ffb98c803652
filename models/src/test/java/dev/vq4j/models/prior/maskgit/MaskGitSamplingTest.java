package dev.vq4j.models.prior.maskgit;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import dev.vq4j.models.prior.SampleOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoding on a random model: reproducibility, the schedule followed, resample keeping codes, argument checks. */
class MaskGitSamplingTest {
    static final MaskGitConfig COND = new MaskGitConfig(10, 3, 4, 3, 2, 2, 16, 32, 0.1f, 0.1f);
    static final MaskGitConfig UNCOND = new MaskGitConfig(10, 3, 4, 0, 1, 2, 16, 32, 0f, 0f);
    static final SampleOptions OPTS = SampleOptions.DEFAULTS.withCount(5).withBatchSize(2).withSteps(6, "cosine");

    /** Random weights scaled up so the logits are far from uniform. */
    static MaskGitPrior prior(MaskGitConfig c) {
        MaskGitPrior p = new MaskGitPrior(c, new Rng(3));
        for (Tensor w : p.module().parameters()) if (w.dim() == 2) dev.vq4j.autograd.nn.Init.normal(w, 0, 0.5, new Rng(w.numel()));
        return p;
    }

    @Test
    void sameSeedSameCodesOtherSeedOtherCodes() {
        for (MaskGitConfig c : List.of(COND, UNCOND)) {
            MaskGitPrior p = prior(c);
            Tensor a = p.sample(OPTS.withSeed(7), null), b = p.sample(OPTS.withSeed(7), null), d = p.sample(OPTS.withSeed(8), null);
            assertArrayEquals(new int[] {5, 3, 4}, a.shape());
            assertArrayEquals(a.toLongArray(), b.toLongArray(), "same seed, same codes");
            assertFalse(Arrays.equals(a.toLongArray(), d.toLongArray()), "another seed, other codes");
            for (long v : a.toLongArray()) assertTrue(v >= 0 && v < c.codebookSize(), "a code in [0, K), never [MASK]: " + v);
            // a grid does not depend on its batch mates
            assertArrayEquals(a.toLongArray(), p.sample(OPTS.withSeed(7).withBatchSize(5), null).toLongArray(), "batch size changes nothing");
            assertTrue(p.module().isTraining(), "sampling restores the training mode");
        }
    }

    @Test
    void filtersGuidanceAndClassesRun() {
        MaskGitPrior p = prior(COND);
        for (SampleOptions o : List.of(OPTS.withGreedy(true), OPTS.withFilter(0.7f, 3, 1f), OPTS.withFilter(1f, 0, 0.5f), OPTS.withCfg(3f),
                OPTS.withClass(2).withCfg(0f), OPTS.withSteps(1, "linear"), OPTS.withSteps(20, "square"))) {
            Tensor a = p.sample(o, null);
            assertArrayEquals(a.toLongArray(), p.sample(o, null).toLongArray(), o.toString());
            for (long v : a.toLongArray()) assertTrue(v >= 0 && v < 10);
        }
        assertThrows(IllegalArgumentException.class, () -> p.sample(OPTS.withClass(3), null));
        assertThrows(IllegalArgumentException.class, () -> prior(UNCOND).sample(OPTS.withClass(0), null));
    }

    @Test
    void progressFollowsTheSchedule() {
        MaskGitPrior p = prior(UNCOND);
        for (String sched : List.of("cosine", "linear", "square")) {
            List<long[]> calls = new ArrayList<>();
            p.sample(OPTS.withCount(3).withBatchSize(3).withSteps(5, sched), (done, total) -> calls.add(new long[] {done, total}));
            int[] plan = MaskSchedule.of(sched).plan(12, 5);
            assertEquals(5, calls.size(), sched);
            for (int s = 1; s <= 5; s++) {
                assertEquals(36, calls.get(s - 1)[1]);
                assertEquals(3L * (12 - plan[s]), calls.get(s - 1)[0], sched + " step " + s);
            }
        }
    }

    @Test
    void resampleKeepsTheKeptCodesExactly() {
        for (MaskGitConfig c : List.of(COND, UNCOND)) {
            MaskGitPrior p = prior(c);
            Rng rng = new Rng(11);
            long[] codes = new long[4 * 12];
            boolean[] keep = new boolean[codes.length];
            for (int i = 0; i < codes.length; i++) { codes[i] = rng.nextLong(10); keep[i] = rng.nextDouble() < 0.5; }
            keep[0] = false;
            Tensor in = Tensor.ofLongs(codes, 4, 3, 4);
            SampleOptions o = OPTS.withCount(4).withCfg(c.nClasses() > 0 ? 2f : 1f);
            long[] out = p.resample(in, keep, o, null).toLongArray();
            int changed = 0;
            for (int i = 0; i < codes.length; i++) {
                if (keep[i]) assertEquals(codes[i], out[i], "kept code at " + i);
                else if (out[i] != codes[i]) changed++;
                assertTrue(out[i] >= 0 && out[i] < 10);
            }
            assertTrue(changed > 0, "some re-sampled code differs");
            assertArrayEquals(out, p.resample(in, keep, o, null).toLongArray(), "reproducible");
            boolean[] all = new boolean[codes.length];
            Arrays.fill(all, true);
            assertArrayEquals(codes, p.resample(in, all, o, null).toLongArray(), "keeping everything changes nothing");
            assertThrows(IllegalArgumentException.class, () -> p.resample(in, new boolean[3], o, null));
        }
    }

    @Test
    void configValidatesAndRoundTrips() {
        assertEquals(COND, MaskGitConfig.fromJson(COND.toJson()));
        assertEquals(COND, MaskGitConfig.fromMap(COND.toMap()), "a map round trip without JSON (the demo builds its prior that way)");
        assertEquals(List.of("codebook_size", "grid_h", "grid_w", "n_classes", "n_layer", "n_head", "n_embd", "mlp_hidden", "dropout", "p_uncond"), List.copyOf(COND.toMap().keySet()));
        assertEquals(UNCOND, MaskGitConfig.fromJson(UNCOND.toJson()));
        MaskGitConfig r = MaskGitConfig.fromJson("{\"codebook_size\": 16, \"grid_h\": 2, \"grid_w\": 2, \"n_layer\": 1, \"n_head\": 2, \"n_embd\": 8, \"mlp_ratio\": 2}");
        assertEquals(16, r.mlpHidden());
        assertEquals(0, r.nClasses());
        var e = assertThrows(IllegalArgumentException.class, () -> new MaskGitConfig(10, 3, 4, 0, 1, 3, 16, 32, 0f, 0f));
        assertTrue(e.getMessage().contains("multiple of n_head"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MaskGitConfig(10, 3, 4, 0, 1, 2, 16, 32, 0f, 0.1f));
        assertTrue(e.getMessage().contains("p_uncond"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskGitConfig.fromJson("{\"codebook_size\": 16, \"grid_h\": 2}"));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskGitConfig.fromJson("{\"codebook_size\": 16, \"grid_h\": 2, \"grid_w\": 2, \"n_layer\": 1, \"n_head\": 2, \"n_embd\": 8, \"bogus\": 1}"));
        assertTrue(e.getMessage().contains("bogus"), e.getMessage());
    }

    @Test
    void lossMasksAtLeastOneTokenAndChecksItsInputs() {
        MaskGitPrior p = prior(COND);
        Tensor codes = Tensor.ofLongs(new long[24], 2, 3, 4);
        Tensor labels = Tensor.ofLongs(new long[] {0, 2}, 2);
        float l = p.loss(codes, labels, new Rng(1)).item();
        assertTrue(Float.isFinite(l) && l > 0);
        assertEquals(p.evalLoss(codes, labels, new Rng(5)), p.evalLoss(codes, labels, new Rng(5)), 0, "deterministic given the rng");
        assertThrows(IllegalArgumentException.class, () -> p.loss(codes, null, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> p.loss(codes, Tensor.ofLongs(new long[] {0, 3}, 2), new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> p.loss(Tensor.ofLongs(new long[] {10}, 1, 1, 1), labels, new Rng(1)));
        MaskGitMasking m = MaskGitMasking.draw(new long[] {1, 2, 3, 4, 5, 6}, 2, 3, 9, new Rng(4));
        for (int i = 0; i < m.masked().length; i++) {
            assertEquals(9, m.inputs()[(int) m.masked()[i]]);
            assertEquals(m.masked()[i] + 1, m.targets()[i]);
        }
        long maskedCount = Arrays.stream(m.inputs()).filter(v -> v == 9).count();
        assertEquals(m.masked().length, maskedCount);
    }
}
