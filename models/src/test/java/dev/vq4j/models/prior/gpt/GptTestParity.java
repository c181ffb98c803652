package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Shaping;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.DType;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.prior.SampleProgress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Gpt} and {@link GptPrior} against taming's mingpt.GPT in PyTorch (gpt/make_reference.py):
 * vocab 40, block 20, 2 layers, 2 heads, 32 wide, no dropout, random weights. Logits, the loss
 * L = mean over the 3·20 positions of −log softmax(logits)[target] (F.cross_entropy), and dL/dθ for
 * every parameter θ are held to {@link #TOL} relative error (float32 here, float64 reference; the key
 * biases' gradient is exactly zero, softmax being shift-invariant, and is held to |g| ≤ 1e-6); greedy
 * decoding must give taming's {@code sample(..., sample=False)} codes token for token.
 */
class GptTestParity {
    static final double TOL = 1e-4;
    static final GptConfig CONFIG = new GptConfig(40, 20, 2, 2, 32);

    static Gpt loaded(GptConfig config, String file) throws Exception {
        Gpt g = new Gpt(config);
        g.loadStateDict(GptReference.load(file));
        return g;
    }

    static void assertClose(String what, Tensor expected, Tensor actual) {
        double err = GptReference.relError(expected, actual);
        System.out.printf("gpt parity %-40s rel %.2e%n", what, err);
        assertTrue(err <= TOL, what + ": relative error " + err + " > " + TOL);
    }

    @Test
    void stateDictKeysAreTamings() throws Exception {
        Map<String, Tensor> file = GptReference.load("gpt.safetensors");
        Gpt g = new Gpt(CONFIG);
        assertEquals(new TreeSet<>(file.keySet()), new TreeSet<>(g.stateDict().keySet()));
        for (Map.Entry<String, Tensor> e : g.stateDict().entrySet())
            assertArrayEquals(file.get(e.getKey()).shape(), e.getValue().shape(), e.getKey());
    }

    @Test
    void logitsLossAndEveryGradientMatchTaming() throws Exception {
        Gpt g = loaded(CONFIG, "gpt.safetensors");
        Map<String, Tensor> ref = GptReference.load("gpt_reference.safetensors");
        Tensor logits = g.forward(ref.get("idx"));
        assertClose("logits", ref.get("logits"), logits);
        Tensor loss = Losses.crossEntropy(logits.reshape(60, 40), ref.get("targets").reshape(60));
        assertClose("cross-entropy loss", ref.get("loss").reshape(), loss.reshape());
        loss.backward();
        int checked = 0;
        for (Map.Entry<String, Tensor> p : g.namedParameters().entrySet()) {
            Tensor want = ref.get("grad." + p.getKey());
            assertTrue(want != null, "no reference gradient for " + p.getKey());
            assertTrue(p.getValue().grad() != null, "no gradient for " + p.getKey());
            double wantMax = want.abs().max().item(), gotMax = p.getValue().grad().abs().max().item();
            if (wantMax < 1e-9) { // the key bias: q·(k + b) shifts a score row by a constant, which softmax ignores
                System.out.printf("gpt parity %-40s zero in PyTorch (max %.1e), here max %.1e%n", "dL/d " + p.getKey(), wantMax, gotMax);
                assertTrue(gotMax <= 1e-6, "dL/d " + p.getKey() + " is zero in PyTorch, here " + gotMax);
            } else assertClose("dL/d " + p.getKey(), want, p.getValue().grad());
            checked++;
        }
        assertEquals(g.namedParameters().size(), checked);
        assertEquals(2 + 2 * 16 + 3, checked); // pos_emb, tok_emb; 16 per block (ln1, ln2, 4 attention Linears, 2 MLP Linears); ln_f (2), head
    }

    @Test
    void kvCacheMatchesTamingLogitsAtEveryPosition() throws Exception {
        Gpt g = loaded(CONFIG, "gpt.safetensors");
        g.eval();
        Map<String, Tensor> ref = GptReference.load("gpt_reference.safetensors");
        Tensor idx = ref.get("idx");
        try (KvCache cache = g.newCache(3)) {
            List<Tensor> rows = new ArrayList<>();
            rows.add(cache.prefill(idx.narrow(1, 0, 7)));
            for (int i = 7; i < 20; i++) rows.add(cache.decodeStep(idx.select(1, i).contiguous()).unsqueeze(1));
            assertClose("KV-cache logits (prefill 7, 13 steps)", ref.get("logits"), Shaping.cat(rows, 1));
        }
    }

    @Test
    void unmaskedPrefixMatchesTaming() throws Exception {
        GptConfig c = new GptConfig(40, 20, 2, 2, 32, 0f, 0f, 0f, 3);
        Gpt g = loaded(c, "gpt_unmasked.safetensors");
        g.eval();
        Map<String, Tensor> ref = GptReference.load("gpt_reference.safetensors");
        assertClose("logits, n_unmasked 3", ref.get("logits_unmasked"), g.forward(ref.get("idx")));
        try (KvCache cache = g.newCache(3)) {
            List<Tensor> rows = new ArrayList<>();
            rows.add(cache.prefill(ref.get("idx").narrow(1, 0, 3)));
            for (int i = 3; i < 20; i++) rows.add(cache.decodeStep(ref.get("idx").select(1, i).contiguous()).unsqueeze(1));
            assertClose("KV-cache logits, n_unmasked 3", ref.get("logits_unmasked"), Shaping.cat(rows, 1));
        }
        // a taming checkpoint's mask must match the config: loading the n_unmasked model as plain causal fails
        Exception e = assertThrows(IllegalArgumentException.class, () -> loaded(CONFIG, "gpt_unmasked.safetensors"));
        assertTrue(e.getMessage().contains("blocks.0.attn.mask is not taming's causal mask"), e.getMessage());
    }

    @Test
    void greedyDecodingEqualsTamingsSampleLoop() throws Exception {
        Gpt g = loaded(CONFIG, "gpt.safetensors");
        Map<String, Tensor> ref = GptReference.load("gpt_reference.safetensors");
        GptPrior uncond = new GptPrior(new GptPriorConfig(40, 4, 5, 0, 7, 0, 1f, 0f, CONFIG), g);
        SampleOptions greedy = SampleOptions.DEFAULTS.withCount(2).withGreedy(true);
        for (int batch : new int[] {1, 2}) {
            long[] codes = uncond.sample(greedy.withBatchSize(batch), SampleProgress.NONE).toLongArray();
            assertArrayEquals(ref.get("greedy_uncond").toLongArray(), codes, "unconditional greedy, batch " + batch);
        }
        // Labelator-style class conditioning: the label is the token (class_offset 0)
        GptPrior classes = new GptPrior(new GptPriorConfig(40, 4, 5, 20, 0, 0, 1f, 0f, CONFIG), g);
        long[] want = ref.get("greedy_class").toLongArray();
        int[] labels = {3, 11};
        for (int r = 0; r < 2; r++) {
            long[] got = classes.sample(greedy.withCount(1).withClass(labels[r]), SampleProgress.NONE).toLongArray();
            long[] row = new long[20];
            System.arraycopy(want, r * 20, row, 0, 20);
            assertArrayEquals(row, got, "class " + labels[r] + " greedy");
        }
        System.out.println("gpt parity greedy: unconditional and class-conditional codes equal taming's, 2 x 20 tokens each");
    }

    @Test
    void ourStateDictLoadsStrictlyInBothDirections() throws Exception {
        Gpt g = loaded(CONFIG, "gpt.safetensors");
        Map<String, Tensor> copy = new LinkedHashMap<>(g.stateDict());
        Gpt back = new Gpt(CONFIG);
        back.loadStateDict(copy);
        Map<String, Tensor> ref = GptReference.load("gpt_reference.safetensors");
        assertArrayEquals(g.forward(ref.get("idx")).toFloatArray(), back.forward(ref.get("idx")).toFloatArray());
        assertEquals(DType.FLOAT32, copy.get("blocks.1.attn.mask").dtype());
    }
}
