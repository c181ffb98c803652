package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Shaping;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.io.Json;
import dev.vq4j.core.Rng;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.prior.SampleProgress;
import dev.vq4j.models.vqvae.JsonWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GPT prior without PyTorch: configs, names and init, the KV cache against the full forward, loss, sampling and resampling. */
class GptTest {
    /** Every parameter shifted by N(0, 0.3²) so positions, norms and biases all matter. */
    static <M extends Module> M randomized(M m, long seed) {
        Rng rng = new Rng(seed);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Tensor p : m.parameters()) p.addInPlace(Tensor.randn(rng, p.shape()), 0.3f);
        }
        return m;
    }

    static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    // ---- configs -----------------------------------------------------------------------------------

    @Test
    void configsValidateWithClearMessages() {
        assertTrue(message(() -> new GptConfig(10, 8, 1, 4, 30)).contains("n_embd must be a positive multiple of n_head 4"));
        assertTrue(message(() -> new GptConfig(10, 8, 1, 2, 8, 1.2f, 0, 0, 0)).contains("embd_pdrop"));
        assertTrue(message(() -> new GptConfig(10, 8, 1, 2, 8, 0, 0, 0, 9)).contains("n_unmasked"));
        GptConfig g = new GptConfig(20, 11, 1, 2, 8);
        assertTrue(message(() -> new GptPriorConfig(16, 3, 4, 0, 16, 16, 1f, 0f, g)).contains("block_size 11 must be >= cond_len 1 + h*w 12 - 1 = 12"));
        GptConfig g12 = new GptConfig(20, 12, 1, 2, 8);
        assertTrue(message(() -> new GptPriorConfig(16, 3, 4, 5, 0, 16, 1f, 0f, g12)).contains("do not fit the vocab_size 20"));
        assertTrue(message(() -> new GptPriorConfig(16, 3, 4, 3, 0, 0, 1f, 0.1f, g12)).contains("null class"));
        assertTrue(message(() -> new GptPriorConfig(16, 3, 4, 0, 16, 16, 0f, 0f, g12)).contains("pkeep"));
        assertTrue(message(() -> new GptPriorConfig(21, 3, 4, 0, 16, 16, 1f, 0f, g12)).contains("codebook_size"));
    }

    @Test
    void configsRoundTripThroughMapsAndJson() {
        GptPriorConfig c = GptPriorConfig.standard(16, 3, 4, 3, 2, 2, 8, 0.1f, 0.8f, 0.1f);
        assertEquals(20, c.gpt().vocabSize());
        assertEquals(19, c.nullClassToken());
        assertEquals(16, c.lossVocab());
        assertEquals(c, GptPriorConfig.fromMap(c.toMap()));
        assertEquals(c, GptPriorConfig.fromMap(Json.parse(JsonWriter.pretty(c.toMap()))));
        assertEquals(c.gpt(), GptConfig.fromMap(Json.parse(JsonWriter.compact(c.gpt().toMap()))));
        Map<String, Object> m = c.gpt().toMap();
        assertEquals(List.of("vocab_size", "block_size", "n_layer", "n_head", "n_embd", "embd_pdrop", "resid_pdrop", "attn_pdrop", "n_unmasked"),
                new ArrayList<>(m.keySet()));
        assertTrue(message(() -> GptConfig.fromMap(Map.of("vocab_size", 3L))).contains("missing \"block_size\""));
        assertTrue(message(() -> GptConfig.fromMap(Json.parse("{\"vocab_size\":3,\"block_size\":3,\"n_layer\":1,\"n_head\":1,\"n_embd\":4,\"bias\":1}")))
                .contains("unknown key \"bias\""));
        GptPriorConfig u = GptPriorConfig.standard(16, 3, 4, 0, 2, 2, 8, 0f, 1f, 0f);
        assertEquals(17, u.gpt().vocabSize());
        assertEquals(16, u.sosToken());
        assertEquals(-1, u.nullClassToken());
    }

    // ---- module ------------------------------------------------------------------------------------

    @Test
    void stateDictHasTamingsNamesAndInit() {
        Gpt g = new Gpt(new GptConfig(50, 6, 2, 2, 16), new Rng(0));
        Map<String, Tensor> sd = g.stateDict();
        for (String k : List.of("pos_emb", "tok_emb.weight", "blocks.0.ln1.weight", "blocks.0.ln2.bias", "blocks.0.attn.key.weight",
                "blocks.0.attn.query.bias", "blocks.0.attn.value.weight", "blocks.0.attn.proj.bias", "blocks.1.attn.mask", "blocks.1.mlp.0.weight",
                "blocks.1.mlp.2.bias", "ln_f.weight", "ln_f.bias", "head.weight"))
            assertTrue(sd.containsKey(k), k);
        assertFalse(sd.containsKey("head.bias"));
        assertEquals(2 + 2 * 17 + 3, sd.size()); // 16 parameters and the mask per block
        assertArrayEquals(new int[] {1, 6, 16}, sd.get("pos_emb").shape());
        assertArrayEquals(new int[] {1, 1, 6, 6}, sd.get("blocks.0.attn.mask").shape());
        assertArrayEquals(new int[] {64, 16}, sd.get("blocks.0.mlp.0.weight").shape());
        assertEquals(0f, sd.get("pos_emb").abs().max().item());
        assertEquals(0f, sd.get("blocks.0.attn.key.bias").abs().max().item());
        assertEquals(1f, sd.get("blocks.0.ln1.weight").min().item());
        float[] w = sd.get("tok_emb.weight").toFloatArray();
        double ss = 0;
        for (float v : w) ss += v * v;
        assertEquals(0.02, Math.sqrt(ss / w.length), 0.003, "tok_emb ~ N(0, 0.02²)");
        float[] mask = sd.get("blocks.0.attn.mask").toFloatArray();
        for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) assertEquals(j <= i ? 1f : 0f, mask[i * 6 + j]);
    }

    @Test
    void aWrongMaskIsRefused() {
        Gpt g = new Gpt(new GptConfig(50, 6, 2, 2, 16), new Rng(0));
        Map<String, Tensor> sd = new java.util.LinkedHashMap<>(g.stateDict());
        float[] m = sd.get("blocks.1.attn.mask").toFloatArray();
        m[1] = 1f; // query 0 sees key 1
        sd.put("blocks.1.attn.mask", Tensor.of(m, 1, 1, 6, 6));
        assertTrue(message(() -> new Gpt(g.config()).loadStateDict(sd)).contains("blocks.1.attn.mask is not taming's causal mask for block_size 6,"
                + " n_unmasked 0: at query 0, key 1 it holds 1.0, expected 0.0"));
        sd.remove("blocks.1.attn.mask");
        sd.remove("blocks.0.attn.mask");
        new Gpt(g.config()).loadStateDict(sd); // masks follow from the config
    }

    @Test
    void kvCacheLogitsEqualTheFullForwardAtEveryPosition() {
        for (int nUnmasked : new int[] {0, 4}) {
            GptConfig c = new GptConfig(50, 24, 3, 4, 32, 0f, 0f, 0f, nUnmasked);
            Gpt g = randomized(new Gpt(c, new Rng(1)), 2);
            g.eval();
            Tensor idx = Tensor.randint(new Rng(3), 0, 50, 2, 24);
            Tensor full;
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                full = g.forward(idx);
            }
            for (int prompt : nUnmasked == 0 ? new int[] {1, 9} : new int[] {4, 10}) {
                try (KvCache cache = g.newCache(2)) {
                    List<Tensor> rows = new ArrayList<>();
                    rows.add(cache.prefill(idx.narrow(1, 0, prompt)));
                    for (int i = prompt; i < 24; i++) rows.add(cache.decodeStep(idx.select(1, i).contiguous()).unsqueeze(1));
                    assertEquals(24, cache.length());
                    double err = GptReference.relError(full, Shaping.cat(rows, 1));
                    System.out.printf("kv cache (n_unmasked %d, prompt %d) vs full forward: rel %.2e%n", nUnmasked, prompt, err);
                    // decode rows take the few-row kernels (streamed x·Wᵀ, one-row attention over the cached keys) while the full
                    // forward takes the packed SGEMM and the tiled attention (or, n_unmasked > 0, explicit scores): the same sums
                    // in another order, two float32 roundings apart, 1e-4
                    double tol = 1e-4;
                    assertTrue(err <= tol, "KV-cache logits differ from the full forward by " + err + " > " + tol);
                }
            }
        }
    }

    @Test
    void dropoutActsInTrainingOnly() {
        GptConfig c = new GptConfig(20, 8, 2, 2, 16, 0.1f, 0.1f, 0.3f, 0);
        Gpt g = randomized(new Gpt(c, new Rng(1)), 2);
        Gpt plain = new Gpt(new GptConfig(20, 8, 2, 2, 16), new Rng(1));
        plain.loadStateDict(g.stateDict());
        Tensor idx = Tensor.randint(new Rng(3), 0, 20, 2, 8);
        float[] train = g.forward(idx).toFloatArray();
        g.eval();
        float[] eval = g.forward(idx).toFloatArray();
        assertFalse(Arrays.equals(train, eval), "dropout changes the training forward");
        assertArrayEquals(plain.forward(idx).toFloatArray(), eval, "eval: no dropout");
        g.train();
        Tensor loss = g.forward(idx).square().mean();
        loss.backward();
        assertTrue(g.namedParameters().get("blocks.0.attn.query.weight").grad() != null, "explicit attention path is differentiable");
    }

    @Test
    void kvCacheRefusesTrainingModeAndOverflow() {
        Gpt g = new Gpt(new GptConfig(10, 4, 1, 1, 8), new Rng(0));
        assertThrows(IllegalStateException.class, () -> g.newCache(1).prefill(Tensor.ofLongs(new long[] {1}, 1, 1)));
        g.eval();
        KvCache cache = g.newCache(1);
        cache.prefill(Tensor.ofLongs(new long[] {1, 2, 3, 4}, 1, 4));
        assertTrue(message(() -> cache.decodeStep(Tensor.ofLongs(new long[] {1}, 1))).contains("block_size is 4"));
    }

    // ---- prior: loss -------------------------------------------------------------------------------

    static final GptPriorConfig CLASSES = GptPriorConfig.standard(12, 3, 4, 3, 2, 2, 16, 0f, 1f, 0f);

    static Tensor codes(long seed, int n) {
        return Tensor.randint(new Rng(seed), 0, 12, n, 3, 4);
    }

    @Test
    void lossIsCrossEntropyOverTheCodeLogitsOfTheShiftedSequence() {
        GptPrior p = new GptPrior(CLASSES, randomized(new Gpt(CLASSES.gpt(), new Rng(0)), 1));
        Tensor z = codes(5, 3), labels = Tensor.ofLongs(new long[] {0, 2, 1}, 3);
        long[] zv = z.toLongArray();
        long[] in = new long[3 * 12];
        for (int s = 0; s < 3; s++) {
            in[s * 12] = 12 + labels.toLongArray()[s]; // class tokens after the codebook
            System.arraycopy(zv, s * 12, in, s * 12 + 1, 11);
        }
        Tensor logits = p.gpt().forward(Tensor.ofLongs(in, 3, 12)).narrow(2, 0, 12);
        float want = Losses.crossEntropy(logits.reshape(36, 12), z.reshape(36)).item();
        Tensor loss = p.loss(z, labels, new Rng(0));
        assertEquals(want, loss.item(), 1e-6);
        assertEquals(want, p.evalLoss(z, labels, new Rng(0)), 1e-6);
        loss.backward();
        for (Map.Entry<String, Tensor> e : p.gpt().namedParameters().entrySet())
            if (!e.getKey().equals("tok_emb.weight") && !e.getKey().endsWith("key.bias")) assertTrue(e.getValue().grad() != null, e.getKey());
    }

    @Test
    void pkeepAndLabelDropoutAreSeededTrainingNoise() {
        GptPriorConfig c = GptPriorConfig.standard(12, 3, 4, 3, 2, 2, 16, 0f, 0.5f, 0.5f);
        GptPrior p = new GptPrior(c, randomized(new Gpt(c.gpt(), new Rng(0)), 1));
        Tensor z = codes(5, 4), labels = Tensor.ofLongs(new long[] {0, 2, 1, 1}, 4);
        float a = p.loss(z, labels, new Rng(7)).item(), b = p.loss(z, labels, new Rng(7)).item(), other = p.loss(z, labels, new Rng(8)).item();
        double clean = p.evalLoss(z, labels, new Rng(7));
        assertEquals(a, b);
        assertNotEquals(a, other);
        assertNotEquals(a, (float) clean);
        GptPrior noNoise = new GptPrior(CLASSES, p.gpt());
        assertEquals(clean, noNoise.loss(z, labels, new Rng(7)).item(), 1e-6);
        assertTrue(message(() -> p.loss(z, null, new Rng(0))).contains("needs labels"));
        assertTrue(message(() -> p.loss(z.add(12f).to(dev.vq4j.core.DType.INT64), labels, new Rng(0))).contains("outside the codebook"));
    }

    // ---- prior: sampling ---------------------------------------------------------------------------

    /** Greedy codes with the prompt [cond | z_<i] scored by the full forward, guided: u + s·(c − u) over the K code logits. */
    static long[] greedyByFullForward(Gpt g, long cond, long uncond, float scale, int t, int k) {
        long[] z = new long[t];
        for (int i = 0; i < t; i++) {
            long[] c = new long[i + 1], u = new long[i + 1];
            c[0] = cond;
            u[0] = uncond;
            System.arraycopy(z, 0, c, 1, i);
            System.arraycopy(z, 0, u, 1, i);
            float[] lc = g.forward(Tensor.ofLongs(c, 1, i + 1)).select(1, i).contiguous().toFloatArray();
            float[] lu = uncond < 0 ? lc : g.forward(Tensor.ofLongs(u, 1, i + 1)).select(1, i).contiguous().toFloatArray();
            int best = 0;
            for (int j = 0; j < k; j++) {
                float v = lu[j] + scale * (lc[j] - lu[j]), bv = lu[best] + scale * (lc[best] - lu[best]);
                if (v > bv) best = j;
            }
            z[i] = best;
        }
        return z;
    }

    @Test
    void samplesAreSeededAndIndependentOfTheBatchSize() {
        GptPriorConfig c = GptPriorConfig.standard(12, 3, 4, 0, 2, 2, 16, 0f, 1f, 0f);
        GptPrior p = new GptPrior(c, randomized(new Gpt(c.gpt(), new Rng(0)), 1));
        SampleOptions o = SampleOptions.DEFAULTS.withCount(5).withSeed(3).withFilter(1.2f, 8, 0.95f);
        long[] done = {0, 0};
        long[] a = p.sample(o.withBatchSize(5), (d, total) -> {
            assertTrue(d >= done[0]);
            done[0] = d;
            done[1] = total;
        }).toLongArray();
        assertEquals(60, done[0]);
        assertEquals(60, done[1]);
        assertArrayEquals(a, p.sample(o.withBatchSize(2), SampleProgress.NONE).toLongArray());
        assertArrayEquals(a, p.sample(o.withBatchSize(1), SampleProgress.NONE).toLongArray());
        assertFalse(Arrays.equals(a, p.sample(o.withSeed(4), SampleProgress.NONE).toLongArray()));
        for (long v : a) assertTrue(v >= 0 && v < 12);
        assertTrue(p.gpt().isTraining(), "the mode is restored");
        // the first sample alone is the first of five
        assertArrayEquals(Arrays.copyOf(a, 12), p.sample(o.withCount(1), SampleProgress.NONE).toLongArray());
        assertTrue(message(() -> p.sample(o.withClass(1), SampleProgress.NONE)).contains("unconditional"));
    }

    @Test
    void greedyAndGuidanceFollowTheFullForward() {
        GptPrior p = new GptPrior(CLASSES, randomized(new Gpt(CLASSES.gpt(), new Rng(0)), 1));
        p.gpt().eval();
        SampleOptions greedy = SampleOptions.DEFAULTS.withCount(2).withClass(1).withGreedy(true);
        long[] plain = p.sample(greedy, SampleProgress.NONE).toLongArray();
        long[] want = greedyByFullForward(p.gpt(), 13, -1, 1f, 12, 12);
        assertArrayEquals(want, Arrays.copyOf(plain, 12));
        assertArrayEquals(want, Arrays.copyOfRange(plain, 12, 24));
        for (float s : new float[] {0f, 2.5f}) {
            long[] guided = p.sample(greedy.withCfg(s), SampleProgress.NONE).toLongArray();
            assertArrayEquals(greedyByFullForward(p.gpt(), 13, CLASSES.nullClassToken(), s, 12, 12), Arrays.copyOf(guided, 12), "cfg " + s);
        }
        // a random class per sample when none is asked: seeded
        SampleOptions any = SampleOptions.DEFAULTS.withCount(4).withSeed(9);
        assertArrayEquals(p.sample(any, SampleProgress.NONE).toLongArray(), p.sample(any.withBatchSize(3), SampleProgress.NONE).toLongArray());
    }

    @Test
    void resampleKeepsKeptCodesAndRedrawsTheRestInRasterOrder() {
        GptPrior p = new GptPrior(CLASSES, randomized(new Gpt(CLASSES.gpt(), new Rng(0)), 1));
        p.gpt().eval();
        Tensor z = codes(11, 2);
        long[] given = z.toLongArray();
        boolean[] all = new boolean[24];
        Arrays.fill(all, true);
        SampleOptions greedy = SampleOptions.DEFAULTS.withClass(2).withGreedy(true);
        assertArrayEquals(given, p.resample(z, all, greedy, SampleProgress.NONE).toLongArray());
        Rng r = new Rng(4);
        boolean[] keep = new boolean[24];
        for (int i = 0; i < 24; i++) keep[i] = r.nextFloat() < 0.5f;
        keep[12] = keep[13] = true; // the second grid starts with a kept prefix
        long[] out = p.resample(z, keep, greedy, SampleProgress.NONE).toLongArray();
        for (int s = 0; s < 2; s++) {
            long[] seq = new long[12];
            seq[0] = 12 + 2;
            System.arraycopy(out, s * 12, seq, 1, 11);
            float[] logits = p.gpt().forward(Tensor.ofLongs(seq, 1, 12)).contiguous().toFloatArray(); // [1, 12, 16]
            for (int i = 0; i < 12; i++) {
                int at = s * 12 + i;
                if (keep[at]) assertEquals(given[at], out[at], "kept code at " + at);
                else {
                    int best = 0;
                    for (int j = 1; j < 12; j++) if (logits[i * 16 + j] > logits[i * 16 + best]) best = j;
                    assertEquals(best, out[at], "redrawn code at " + at + " is the argmax given the codes before it");
                }
            }
        }
        SampleOptions random = SampleOptions.DEFAULTS.withClass(0).withSeed(5);
        long[] drawn = p.resample(z, keep, random, SampleProgress.NONE).toLongArray();
        for (int i = 0; i < 24; i++) if (keep[i]) assertEquals(given[i], drawn[i]);
        assertTrue(message(() -> p.resample(z, new boolean[3], random, SampleProgress.NONE)).contains("N*h*w = 24"));
    }
}
