package dev.vq4j.autograd;

import dev.vq4j.core.DType;
import dev.vq4j.core.Shapes;

/** index_select, gather, scatter_add and embedding lookup, each with its adjoint as gradient. */
public final class Indexing {
    private Indexing() {}

    private static void checkIndex(String op, Tensor index) {
        if (index.dtype() != DType.INT64 && index.dtype() != DType.INT32)
            throw new IllegalArgumentException(op + ": expected an int64 or int32 index tensor, got " + index.dtype().torchName());
    }

    /** Rows (or slices along dim) of x picked by a 1-D index. */
    public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        checkIndex("index_select", index);
        Tensor.checkSameDevice("index_select", x, index);
        if (index.dim() > 1) throw new IllegalArgumentException("index_select: index should have 1 dimension, got " + index.shapeString());
        int d = Shapes.wrapDim("index_select", dim, x.dim());
        Tensor idx = index.reshape(-1);
        int[] shape = x.shape();
        shape[d] = idx.numel();
        Tensor fx = Elementwise.floatOperand("index_select", x);
        Tensor out = Tensor.emptyLike(x, DType.FLOAT32, shape);
        x.backend().indexSelect(fx.kernelView(), d, idx.kernelView(), out.kernelView());
        int[] inShape = x.shape();
        return Autograd.record("index_select", out, new Tensor[] {x}, g -> {
            Tensor grad = Tensor.zeros(g.device(), inShape);
            grad.backend().indexAdd(grad.kernelView(), d, idx.kernelView(), g.contiguous().kernelView());
            return new Tensor[] {grad};
        });
    }

    /** torch.gather: out[i][j] = x[index[i][j]][j] for dim 0 (any rank, any dim). */
    public static Tensor gather(Tensor x, int dim, Tensor index) {
        checkIndex("gather", index);
        Tensor.checkSameDevice("gather", x, index);
        int d = Shapes.wrapDim("gather", dim, x.dim());
        if (index.dim() != x.dim())
            throw new IllegalArgumentException("gather: index " + index.shapeString() + " and input " + x.shapeString() + " must have the same number of dimensions");
        for (int i = 0; i < x.dim(); i++)
            if (i != d && index.size(i) > x.size(i))
                throw new IllegalArgumentException("gather: size of index " + index.shapeString() + " exceeds input " + x.shapeString() + " at dimension " + i);
        Tensor fx = Elementwise.floatOperand("gather", x);
        Tensor out = Tensor.emptyLike(x, DType.FLOAT32, index.shape());
        x.backend().gather(fx.kernelView(), d, index.kernelView(), out.kernelView());
        int[] inShape = x.shape();
        return Autograd.record("gather", out, new Tensor[] {x}, g -> {
            Tensor grad = Tensor.zeros(g.device(), inShape);
            scatterAddInPlace(grad, d, index, g);
            return new Tensor[] {grad};
        });
    }

    /**
     * Out-of-place torch.scatter_add: a copy of x with src added at index along dim. As PyTorch:
     * x, index and src have the same rank, index is no larger than src in any dim and no larger than
     * x outside dim; only the leading index-shaped block of src is read.
     */
    public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        checkIndex("scatter_add", index);
        Tensor.checkSameDevice("scatter_add", x, index);
        Tensor.checkSameDevice("scatter_add", x, src);
        int d = Shapes.wrapDim("scatter_add", dim, x.dim());
        if (index.dim() != x.dim() || src.dim() != x.dim())
            throw new IllegalArgumentException("scatter_add: index " + index.shapeString() + ", self " + x.shapeString() + " and src "
                    + src.shapeString() + " must have the same number of dimensions");
        for (int i = 0; i < x.dim(); i++)
            if (index.size(i) > src.size(i) || (i != d && index.size(i) > x.size(i)))
                throw new IllegalArgumentException("scatter_add: expected index " + index.shapeString() + " to be no larger than self " + x.shapeString()
                        + " apart from dimension " + d + " and no larger than src " + src.shapeString());
        Tensor out;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            out = Elementwise.floatOperand("scatter_add", x).clone();
            scatterAddInPlace(out, d, index, Elementwise.floatOperand("scatter_add", src));
        }
        int[] srcShape = src.shape(), indexShape = index.shape();
        return Autograd.record("scatter_add", out, new Tensor[] {x, src}, g -> {
            Tensor gs = null;
            if (src.requiresGrad()) {
                gs = gather(g, d, index);
                if (!java.util.Arrays.equals(srcShape, indexShape)) {
                    // src elements outside the index-shaped block were never read: zero gradient there
                    Tensor full = Tensor.zeros(g.device(), srcShape);
                    Tensor block = full;
                    for (int i = 0; i < indexShape.length; i++) block = block.narrow(i, 0, indexShape[i]);
                    block.copyFrom(gs);
                    gs = full;
                }
            }
            return new Tensor[] {g, gs};
        });
    }

    /** dst[.., index[i], ..] += src[i] along dim, in place, never recorded (used by gradients); src may be larger than index. */
    static void scatterAddInPlace(Tensor dst, int dim, Tensor index, Tensor src) {
        dst.backend().scatterAdd(dst.kernelView(), dim, index.kernelView(), src.kernelView());
    }

    /** Embedding lookup: weight [num, dim], indices of any shape -> [..., dim]. */
    public static Tensor embedding(Tensor weight, Tensor indices) {
        checkIndex("embedding", indices);
        if (weight.dim() != 2) throw new IllegalArgumentException("embedding: weight must be 2-D [num_embeddings, dim], got " + weight.shapeString());
        int[] outShape = java.util.Arrays.copyOf(indices.shape(), indices.dim() + 1);
        outShape[indices.dim()] = weight.size(1);
        return indexSelect(weight, 0, indices.reshape(-1)).reshape(outShape);
    }
}
