package dev.vq4j.models.prior.maskgit;

import dev.vq4j.autograd.Attention;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Dropout;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Rng;

/**
 * Bidirectional multi-head self-attention: every token attends to every token (no causal mask), the
 * point of MaskGIT. qkv = x·W_qkvᵀ + b splits into q, k, v of H heads of D/H; each head is
 * softmax(q kᵀ/√(D/H)) v through the fused kernel ({@link Attention#scaledDotProductAttention},
 * causal = false); the heads are concatenated and projected. The fused kernel has no attention-probability
 * dropout, so dropout acts on the projected output only.
 *
 * <p>State dict: {@code qkv.weight} [3D, D] (rows: q, then k, then v; within each, head-major),
 * {@code qkv.bias} [3D], {@code proj.weight} [D, D], {@code proj.bias} [D].
 */
final class MaskGitAttention extends Module {
    private final int nHead;
    private final Linear qkv, proj;
    private final Dropout drop;

    MaskGitAttention(int nEmbd, int nHead, float dropout, Rng rng) {
        this.nHead = nHead;
        this.qkv = registerModule("qkv", new Linear(nEmbd, 3 * nEmbd, true, rng));
        this.proj = registerModule("proj", new Linear(nEmbd, nEmbd, true, rng));
        this.drop = registerModule("drop", new Dropout(dropout, rng.split())); // no state-dict entries
    }

    /** x [B, L, D] -> [B, L, D]. */
    @Override
    public Tensor forward(Tensor x) {
        checkRank(x, 3, "[B, L, D]");
        int b = x.size(0), l = x.size(1), d = x.size(2);
        Tensor heads = qkv.forward(x).reshape(b, l, 3, nHead, d / nHead).permute(2, 0, 3, 1, 4); // [3, B, H, L, D/H]
        Tensor y = Attention.scaledDotProductAttention(heads.select(0, 0), heads.select(0, 1), heads.select(0, 2), false);
        Tensor merged = y.transpose(1, 2).reshape(b, l, d);
        return drop.forward(proj.forward(merged));
    }
}
