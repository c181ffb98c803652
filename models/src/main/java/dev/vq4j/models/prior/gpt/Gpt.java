package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Dropout;
import dev.vq4j.autograd.nn.Embedding;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.LayerNorm;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.ModuleList;
import dev.vq4j.core.DType;
import dev.vq4j.core.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * taming-transformers' {@code mingpt.GPT} (after Karpathy's minGPT), with its state-dict names:
 * <pre>
 *   x = drop(tok_emb(idx) + pos_emb[:, :T])           tok_emb [vocab, C], pos_emb [1, block, C] (zeros at init)
 *   x = blocks.n_layer−1( … blocks.0(x))               {@link Block}: pre-LN attention + 4C GELU MLP
 *   logits = head(ln_f(x))                            head: Linear(C → vocab), no bias
 * </pre>
 * Initialisation as taming's {@code _init_weights}: Linear/Embedding weights N(0, 0.02²), biases 0,
 * LayerNorms ones/zeros, {@code pos_emb} zeros. Each {@code blocks.i.attn.mask} buffer (taming's
 * causal mask, see {@link CausalSelfAttention}) is in the state dict, so taming's checkpoints load
 * strictly and ours load in taming; a loaded mask must equal the one the config implies, a state
 * dict without masks loads too (they follow from the config).
 *
 * <p>Training and full-sequence scoring use {@link #forward}; generation uses a {@link KvCache}
 * ({@link #newCache}), prefill then one token at a time, as gpt-fast's {@code generate.py}.
 */
public class Gpt extends Module {
    private final GptConfig config;
    private final Embedding tokEmb;
    private final Tensor posEmb;
    private final Dropout drop;
    private final ModuleList blocks;
    private final LayerNorm lnF;
    private final Linear head;

    /** Weights drawn from {@link Init#globalRng()}. */
    public Gpt(GptConfig config) {
        this(config, Init.globalRng());
    }

    public Gpt(GptConfig config, Rng rng) {
        this.config = config;
        int c = config.nEmbd();
        tokEmb = registerModule("tok_emb", GptInit.embedding(new Embedding(config.vocabSize(), c, rng), rng));
        posEmb = registerParameter("pos_emb", Tensor.zeros(1, config.blockSize(), c));
        drop = registerModule("drop", new Dropout(config.embdPdrop(), rng.split()));
        blocks = registerModule("blocks", new ModuleList());
        for (int i = 0; i < config.nLayer(); i++) blocks.add(new Block(config, rng));
        lnF = registerModule("ln_f", new LayerNorm(c));
        head = registerModule("head", GptInit.linear(new Linear(c, config.vocabSize(), false, rng), rng));
    }

    public GptConfig config() {
        return config;
    }

    /** idx int64 [B, T], T ≤ block_size, values in [0, vocab) → logits [B, T, vocab]. */
    @Override
    public Tensor forward(Tensor idx) {
        checkTokens(idx, 0);
        Tensor x = drop.forward(tokEmb.forward(idx).add(posEmb.narrow(1, 0, idx.size(1))));
        for (Module b : blocks) x = b.forward(x);
        return head.forward(lnF.forward(x));
    }

    /** A KV cache for {@code batch} sequences of up to block_size tokens. */
    public KvCache newCache(int batch) {
        return new KvCache(this, batch);
    }

    /** Positions pos..pos+T−1 through every layer, reading and extending the cache (no graph, eval mode). */
    Tensor forwardCached(Tensor idx, Tensor[] keys, Tensor[] values, int pos) {
        checkTokens(idx, pos);
        Tensor x = tokEmb.forward(idx).add(posEmb.narrow(1, pos, idx.size(1)));
        for (int i = 0; i < config.nLayer(); i++) x = ((Block) blocks.get(i)).forwardCached(x, keys[i], values[i], pos);
        return head.forward(lnF.forward(x));
    }

    private void checkTokens(Tensor idx, int pos) {
        if (idx.dim() != 2 || (idx.dtype() != DType.INT64 && idx.dtype() != DType.INT32))
            throw new IllegalArgumentException("GPT: expected integer token indices [B, T], got " + idx.dtype() + " " + idx.shapeString());
        if (idx.size(1) < 1 || pos + idx.size(1) > config.blockSize())
            throw new IllegalArgumentException("GPT: cannot take " + idx.size(1) + " token(s) at position " + pos + ", block_size is "
                    + config.blockSize());
    }

    /**
     * Loads as {@link Module#loadStateDict(Map, boolean)}, first checking every {@code blocks.i.attn.mask}
     * given against taming's mask for this config (lower-triangular, n_unmasked square); masks that are
     * absent are filled in from the config.
     */
    @Override
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> full = new LinkedHashMap<>(state);
        float[] want = CausalSelfAttention.maskValues(config.blockSize(), config.nUnmasked());
        int b = config.blockSize();
        for (int i = 0; i < config.nLayer(); i++) {
            String k = "blocks." + i + ".attn.mask";
            Tensor given = full.get(k);
            if (given == null) {
                full.put(k, Tensor.of(want, 1, 1, b, b));
                continue;
            }
            if (given.numel() != want.length) continue; // the shape error comes from Module's load, naming the key
            float[] got = given.to(DType.FLOAT32).contiguous().toFloatArray();
            for (int j = 0; j < want.length; j++)
                if (got[j] != want[j])
                    throw new IllegalArgumentException("GPT: " + k + " is not taming's causal mask for block_size " + b + ", n_unmasked "
                            + config.nUnmasked() + ": at query " + j / b + ", key " + j % b + " it holds " + got[j] + ", expected " + want[j]);
        }
        return super.loadStateDict(full, strict);
    }
}
