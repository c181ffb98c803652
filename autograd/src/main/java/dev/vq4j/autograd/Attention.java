package dev.vq4j.autograd;

import dev.vq4j.core.DType;

/**
 * Scaled dot-product attention, {@code softmax(q k^T / sqrt(d) (+ causal mask)) v}, as
 * torch.nn.functional.scaled_dot_product_attention without dropout. The backend runs it fused
 * (the cpu backend tiles it flash-style, never forming the Lq x Lk score matrix) and saves the
 * row log-sum-exp, from which the backward recomputes the probabilities.
 */
public final class Attention {
    private Attention() {}

    /**
     * q [B,H,Lq,d] (or [B,Lq,d]), k [B,H,Lk,d], v [B,H,Lk,dv]; returns [B,H,Lq,dv]. With {@code causal}, query i
     * attends to keys j <= i (the top-left triangle, as {@code tril(ones(Lq, Lk))}). Any strides.
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, boolean causal) {
        String op = "scaled_dot_product_attention";
        Tensor.checkSameDevice(op, q, k);
        Tensor.checkSameDevice(op, q, v);
        if (q.dim() != k.dim() || q.dim() != v.dim() || (q.dim() != 3 && q.dim() != 4))
            throw new IllegalArgumentException(op + ": expected query, key and value of the same rank, 3 ([B, L, d]) or 4 ([B, H, L, d]), but got query "
                    + q.shapeString() + ", key " + k.shapeString() + ", value " + v.shapeString());
        for (Tensor t : new Tensor[] {q, k, v})
            if (t.dtype() != DType.FLOAT32)
                throw new IllegalArgumentException(op + ": expected float32 query, key and value, but got " + t.dtype() + " of shape " + t.shapeString());
        int r = q.dim();
        int lq = q.size(r - 2), d = q.size(r - 1), lk = k.size(r - 2);
        for (int i = 0; i < r - 2; i++)
            if (k.size(i) != q.size(i) || v.size(i) != q.size(i))
                throw new IllegalArgumentException(op + ": expected key and value with the batch and head sizes of query " + q.shapeString()
                        + ", but got key " + k.shapeString() + " and value " + v.shapeString());
        if (k.size(r - 1) != d)
            throw new IllegalArgumentException(op + ": query " + q.shapeString() + " has head size " + d + " but key " + k.shapeString() + " has " + k.size(r - 1));
        if (v.size(r - 2) != lk)
            throw new IllegalArgumentException(op + ": key " + k.shapeString() + " has " + lk + " positions but value " + v.shapeString() + " has " + v.size(r - 2));
        if (lk == 0 && lq > 0)
            throw new IllegalArgumentException(op + ": key " + k.shapeString() + " has no positions to attend to");
        if (r == 3) return attention4d(op, q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1), causal).squeeze(1);
        return attention4d(op, q, k, v, causal);
    }

    private static Tensor attention4d(String op, Tensor q, Tensor k, Tensor v, boolean causal) {
        int b = q.size(0), h = q.size(1), lq = q.size(2), d = q.size(3), dv = v.size(3);
        float scale = (float) (1.0 / Math.sqrt(d));
        Tensor out = Tensor.emptyLike(q, DType.FLOAT32, b, h, lq, dv);
        Tensor lse = Tensor.emptyLike(q, DType.FLOAT32, b, h, lq);
        q.backend().attention(q.kernelView(), k.kernelView(), v.kernelView(), out.kernelView(), lse.kernelView(), scale, causal);
        return Autograd.record(op, out, new Tensor[] {q, k, v}, g -> {
            Tensor gq = Tensor.emptyLike(q, DType.FLOAT32, q.shape());
            Tensor gk = Tensor.emptyLike(q, DType.FLOAT32, k.shape());
            Tensor gv = Tensor.emptyLike(q, DType.FLOAT32, v.shape());
            q.backend().attentionBackward(q.kernelView(), k.kernelView(), v.kernelView(), out.kernelView(), lse.kernelView(), g.kernelView(),
                    gq.kernelView(), gk.kernelView(), gv.kernelView(), scale, causal);
            return new Tensor[] {gq, gk, gv};
        });
    }
}
