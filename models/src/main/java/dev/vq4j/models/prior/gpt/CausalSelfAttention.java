package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.Attention;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Dropout;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Rng;

/**
 * Multi-head masked self-attention, taming's {@code mingpt.CausalSelfAttention}: separate
 * {@code key}, {@code query}, {@code value} projections, heads of size d = n_embd / n_head,
 * <pre>  y = proj( softmax(q kᵀ / √d + M) v ),  M_ij = 0 where mask_ij = 1, −∞ elsewhere,</pre>
 * then residual dropout. The mask is taming's persisted buffer {@code mask} [1, 1, block, block]:
 * lower-triangular ones with the top-left n_unmasked × n_unmasked square set to 1 (kept in the state
 * dict so taming checkpoints round-trip strictly; {@link Gpt} checks any loaded one).
 *
 * <p>With n_unmasked = 0 and no attention dropout in effect, the fused causal kernel
 * ({@link Attention#scaledDotProductAttention}) runs; otherwise the scores are formed explicitly.
 */
final class CausalSelfAttention extends Module {
    private final GptConfig config;
    final Linear key, query, value, proj;
    private final Dropout attnDrop, residDrop;

    CausalSelfAttention(GptConfig config, Rng rng) {
        this.config = config;
        int c = config.nEmbd();
        key = registerModule("key", GptInit.linear(new Linear(c, c, true, rng), rng));
        query = registerModule("query", GptInit.linear(new Linear(c, c, true, rng), rng));
        value = registerModule("value", GptInit.linear(new Linear(c, c, true, rng), rng));
        attnDrop = registerModule("attn_drop", new Dropout(config.attnPdrop(), rng.split()));
        residDrop = registerModule("resid_drop", new Dropout(config.residPdrop(), rng.split()));
        proj = registerModule("proj", GptInit.linear(new Linear(c, c, true, rng), rng));
        registerBuffer("mask", Tensor.of(maskValues(config.blockSize(), config.nUnmasked()), 1, 1, config.blockSize(), config.blockSize()));
    }

    /** taming's mask, row-major [block, block]: 1 where query i may attend to key j. */
    static float[] maskValues(int block, int nUnmasked) {
        float[] m = new float[block * block];
        for (int i = 0; i < block; i++)
            for (int j = 0; j < block; j++) m[i * block + j] = allowed(i, j, nUnmasked) ? 1f : 0f;
        return m;
    }

    static boolean allowed(int i, int j, int nUnmasked) {
        return j <= i || (i < nUnmasked && j < nUnmasked);
    }

    /** x [B, T, C] → [B, T, C], attending within x (positions 0..T−1). */
    @Override
    public Tensor forward(Tensor x) {
        Tensor q = heads(query.forward(x)), k = heads(key.forward(x)), v = heads(value.forward(x));
        return out(attend(q, k, v, 0), x.size(0), x.size(1));
    }

    /**
     * Inference with a KV cache: x [B, T, C] holds positions pos..pos+T−1; their keys and values are
     * written into the cache, and each query attends to the cached keys 0..pos+T−1 (gpt-fast's
     * {@code KVCache.update} then attention over the filled prefix).
     */
    Tensor forwardCached(Tensor x, Tensor kCache, Tensor vCache, int pos) {
        int t = x.size(1);
        Tensor q = heads(query.forward(x));
        kCache.narrow(2, pos, t).copyFrom(heads(key.forward(x)));
        vCache.narrow(2, pos, t).copyFrom(heads(value.forward(x)));
        return out(attend(q, kCache.narrow(2, 0, pos + t), vCache.narrow(2, 0, pos + t), pos), x.size(0), t);
    }

    /** [B, T, C] → [B, H, T, d] (a view). */
    private Tensor heads(Tensor x) {
        return x.view(x.size(0), x.size(1), config.nHead(), config.headDim()).transpose(1, 2);
    }

    private Tensor out(Tensor y, int b, int t) {
        return residDrop.forward(proj.forward(y.transpose(1, 2).reshape(b, t, config.nEmbd())));
    }

    /** q [B, H, Tq, d] at positions pos.., k and v [B, H, pos+Tq, d] at positions 0.. . */
    private Tensor attend(Tensor q, Tensor k, Tensor v, int pos) {
        int tq = q.size(2), tk = k.size(2);
        boolean dropping = isTraining() && config.attnPdrop() > 0;
        if (!dropping && (config.nUnmasked() == 0 || pos >= config.nUnmasked())) {
            if (tq == tk) return Attention.scaledDotProductAttention(q, k, v, true); // pos = 0: the causal triangle
            if (tq == 1) return Attention.scaledDotProductAttention(q, k, v, false); // one new row sees every cached key
        }
        boolean[] blocked = new boolean[tq * tk];
        for (int i = 0; i < tq; i++)
            for (int j = 0; j < tk; j++) blocked[i * tk + j] = !allowed(pos + i, j, config.nUnmasked());
        Tensor att = q.matmul(k.transpose(2, 3)).mul((float) (1.0 / Math.sqrt(config.headDim())));
        att = att.maskedFill(Tensor.ofBools(q.device(), blocked, 1, 1, tq, tk), Float.NEGATIVE_INFINITY).softmax(-1);
        return attnDrop.forward(att).matmul(v);
    }
}
