package dev.vq4j.autograd;

import dev.vq4j.core.Shapes;

import java.util.Arrays;

/** matmul with PyTorch's rank rules and batch broadcasting, and bmm. */
public final class LinearAlgebra {
    private LinearAlgebra() {}

    /**
     * torch.matmul: 1-D operands are promoted (vector as row or column) and the added dim removed
     * afterwards; leading batch dims broadcast.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0)
            throw new IllegalArgumentException("matmul: both arguments to matmul need to be at least 1D, but they are "
                    + a.dim() + "D and " + b.dim() + "D");
        Tensor.checkSameDevice("matmul", a, b);
        boolean aVec = a.dim() == 1, bVec = b.dim() == 1;
        Tensor A = aVec ? a.unsqueeze(0) : a;
        Tensor B = bVec ? b.unsqueeze(1) : b;
        int m = A.size(-2), k = A.size(-1), k2 = B.size(-2), n = B.size(-1);
        if (k != k2)
            throw new IllegalArgumentException("matmul: mat1 and mat2 shapes cannot be multiplied (" + m + "x" + k + " and " + k2 + "x" + n
                    + "); inputs " + a.shapeString() + " @ " + b.shapeString());
        if (B.dim() == 2 && A.dim() > 2 && !bVec) { // as torch.matmul: fold A's batch dims into M, one GEMM over the shared B
            int[] outShape = Arrays.copyOf(A.shape(), A.dim());
            outShape[outShape.length - 1] = n;
            return bmm(A.reshape(1, -1, k), B.unsqueeze(0)).reshape(outShape);
        }
        int[] batchA = Arrays.copyOf(A.shape(), A.dim() - 2), batchB = Arrays.copyOf(B.shape(), B.dim() - 2);
        int[] batch = Shapes.broadcast("matmul", batchA, batchB);
        int[] fullA = concat(batch, m, k), fullB = concat(batch, k, n);
        int nb = Shapes.numel(batch);
        Tensor a3 = A.expand(fullA).reshape(nb, m, k);
        Tensor b3 = B.expand(fullB).reshape(nb, k, n);
        Tensor out = bmm(a3, b3).reshape(concat(batch, m, n));
        if (aVec) out = out.squeeze(-2);
        if (bVec) out = out.squeeze(-1);
        return out;
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    /** [B,M,K] @ [B,K,N] -> [B,M,N]; gradients gA = g @ B^T, gB = A^T @ g. */
    public static Tensor bmm(Tensor a, Tensor b) {
        if (a.dim() != 3 || b.dim() != 3)
            throw new IllegalArgumentException("bmm: expected 3-D tensors, got " + a.shapeString() + " and " + b.shapeString());
        Tensor.checkSameDevice("bmm", a, b);
        if (a.size(0) != b.size(0) || a.size(2) != b.size(1))
            throw new IllegalArgumentException("bmm: shapes " + a.shapeString() + " and " + b.shapeString() + " cannot be multiplied");
        Tensor fa = Elementwise.floatOperand("bmm", a), fb = Elementwise.floatOperand("bmm", b);
        Tensor out = Tensor.emptyLike(a, dev.vq4j.core.DType.FLOAT32, a.size(0), a.size(1), b.size(2));
        a.backend().matmul(fa.kernelView(), fb.kernelView(), out.kernelView());
        return Autograd.record("bmm", out, new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? bmm(g, b.transpose(1, 2)) : null,
                b.requiresGrad() ? bmm(a.transpose(1, 2), g) : null});
    }

    /** x @ w^T + b, as torch.nn.functional.linear; w is [out, in]. */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        if (x.size(-1) != w.size(1))
            throw new IllegalArgumentException("linear: input " + x.shapeString() + " has " + x.size(-1) + " features, weight "
                    + w.shapeString() + " expects " + w.size(1));
        Tensor y = matmul(x, w.t());
        return bias == null ? y : Elementwise.add(y, bias);
    }
}
