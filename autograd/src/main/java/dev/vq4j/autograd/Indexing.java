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

    /** Out-of-place torch.scatter_add: a copy of x with src added at index along dim. */
    public static Tensor scatterAdd(Tensor x, int dim, Tensor index, Tensor src) {
        checkIndex("scatter_add", index);
        int d = Shapes.wrapDim("scatter_add", dim, x.dim());
        if (!java.util.Arrays.equals(index.shape(), src.shape()) && index.dim() != src.dim())
            throw new IllegalArgumentException("scatter_add: index " + index.shapeString() + " and src " + src.shapeString() + " must have the same number of dimensions");
        Tensor out;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            out = Elementwise.floatOperand("scatter_add", x).clone();
            scatterAddInPlace(out, d, index, src);
        }
        return Autograd.record("scatter_add", out, new Tensor[] {x, src}, g -> new Tensor[] {
                g, src.requiresGrad() ? gather(g, d, index) : null});
    }

    /** dst[.., index[i], ..] += src[i] along dim, in place, never recorded (used by gradients). */
    static void scatterAddInPlace(Tensor dst, int dim, Tensor index, Tensor src) {
        Tensor s = src.dim() == index.dim() && !java.util.Arrays.equals(src.shape(), index.shape())
                ? src.slice(0, 0, index.size(0), 1) : src;
        dst.backend().scatterAdd(dst.kernelView(), dim, index.contiguous().kernelView(), s.kernelView());
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
