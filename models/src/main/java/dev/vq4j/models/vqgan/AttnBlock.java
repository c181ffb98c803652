package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Attention;
import dev.vq4j.autograd.LinearAlgebra;
import dev.vq4j.autograd.Softmax;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.GroupNorm;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Backend;

/**
 * taming's AttnBlock: single-head self-attention over the H·W positions of a feature map,
 * x + proj_out(v · softmax(qᵀk / sqrt(C))ᵀ), with q, k, v 1×1 convolutions of GroupNorm(x).
 * Parameters: norm, q, k, v, proj_out.
 *
 * <p>The attention runs as the fused scaled-dot-product-attention op ({@link Attention}, one head,
 * head size C, the positions as the sequence): the cpu backend tiles it flash-style, never forming
 * the HW × HW score matrix, and its backward recomputes the probabilities from the saved row
 * log-sum-exp. Where the backend has no attention kernel of its own for head size C (a device
 * backend past its head-size limit, see {@link #fusedAttention}) the block takes taming's bmm +
 * softmax formulation ({@link #attendBmm}), the same function.
 */
public class AttnBlock extends Module {
    private final GroupNorm norm;
    private final Conv2d q, k, v, projOut;

    public AttnBlock(int channels) {
        norm = registerModule("norm", Blocks.normalize(channels));
        q = registerModule("q", Blocks.conv1x1(channels, channels));
        k = registerModule("k", Blocks.conv1x1(channels, channels));
        v = registerModule("v", Blocks.conv1x1(channels, channels));
        projOut = registerModule("proj_out", Blocks.conv1x1(channels, channels));
    }

    @Override
    public Tensor forward(Tensor x) {
        checkRank(x, 4, "[N, C, H, W]");
        return forward(x, fusedAttention(x.backend(), x.size(1)));
    }

    /** With {@code fused} the attention runs as the fused op, else as taming's bmm + softmax. */
    Tensor forward(Tensor x, boolean fused) {
        checkRank(x, 4, "[N, C, H, W]");
        Tensor hn = norm.forward(x);
        Tensor query = q.forward(hn), key = k.forward(hn), value = v.forward(hn);
        Tensor attended = fused ? attend(query, key, value) : attendBmm(query, key, value);
        return x.add(projOut.forward(attended));
    }

    /**
     * Whether {@code backend} runs attention with head size {@code channels}, forward and backward, as its
     * own kernels: the cpu and reference backends at any size, the device backends up to their kernels'
     * head-size limit (128; past it their attention would copy to the host and back, where bmm + softmax
     * stays on the device).
     */
    static boolean fusedAttention(Backend backend, int channels) {
        return backend.attentionNative(channels, channels);
    }

    /**
     * out[:, :, i] = Σ_j softmax_j(q[:, :, i]·k[:, :, j] / sqrt(C)) v[:, :, j] for q, k, v [N, C, H, W], as
     * one fused attention op on [N, HW, C] views (no copies: the op takes any strides; its scale
     * 1/sqrt(head size) is taming's 1/sqrt(C)). Returns [N, C, H, W].
     */
    static Tensor attend(Tensor query, Tensor key, Tensor value) {
        int n = query.size(0), c = query.size(1), h = query.size(2), w = query.size(3);
        Tensor qs = query.reshape(n, c, h * w).permute(0, 2, 1); // [N, HW, C]
        Tensor ks = key.reshape(n, c, h * w).permute(0, 2, 1);
        Tensor vs = value.reshape(n, c, h * w).permute(0, 2, 1);
        Tensor out = Attention.scaledDotProductAttention(qs, ks, vs, false); // [N, HW(query), C]
        return out.permute(0, 2, 1).reshape(n, c, h, w);
    }

    /** taming's formulation of {@link #attend}: two bmm and a softmax over the HW × HW score matrix. */
    static Tensor attendBmm(Tensor query, Tensor key, Tensor value) {
        int n = query.size(0), c = query.size(1), h = query.size(2), w = query.size(3);
        Tensor qs = query.reshape(n, c, h * w).permute(0, 2, 1); // [N, HW, C]
        Tensor ks = key.reshape(n, c, h * w);                    // [N, C, HW]
        Tensor vs = value.reshape(n, c, h * w);                  // [N, C, HW]
        Tensor weights = LinearAlgebra.bmm(qs, ks).mul((float) (1.0 / Math.sqrt(c))); // [N, HW(query), HW(key)]
        weights = Softmax.softmax(weights, 2);
        return LinearAlgebra.bmm(vs, weights.permute(0, 2, 1)).reshape(n, c, h, w); // out[:, :, i] = Σ_j v[:, :, j]·w[i, j]
    }
}
