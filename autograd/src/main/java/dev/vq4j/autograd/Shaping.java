package dev.vq4j.autograd;

import dev.vq4j.core.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Joining and splitting: cat, stack, split, chunk. Splits are views; joins copy once. */
public final class Shaping {
    private Shaping() {}

    /** Concatenates along an existing dim. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        Tensor first = tensors.get(0);
        Tensor.checkSameDevice("cat", tensors);
        for (int i = 0; i < tensors.size(); i++)
            if (tensors.get(i).dim() == 0)
                throw new IllegalArgumentException("cat: zero-dimensional tensor (at position " + i + ") cannot be concatenated");
        int d = Shapes.wrapDim("cat", dim, first.dim());
        int[] shape = first.shape();
        int total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.dim() != first.dim())
                throw new IllegalArgumentException("cat: tensors must have same number of dimensions: got " + first.dim() + " and " + t.dim() + " (tensor " + i + ")");
            for (int k = 0; k < shape.length; k++)
                if (k != d && t.size(k) != shape[k])
                    throw new IllegalArgumentException("cat: sizes of tensors must match except in dimension " + d + ". Expected size " + shape[k]
                            + " but got size " + t.size(k) + " for tensor number " + i + " in the list (" + t.shapeString() + ")");
            total += t.size(d);
        }
        shape[d] = total;
        Tensor out = Tensor.emptyLike(first, first.dtype(), shape);
        int at = 0;
        int[] sizes = new int[tensors.size()];
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int i = 0; i < tensors.size(); i++) {
                Tensor t = tensors.get(i);
                sizes[i] = t.size(d);
                Tensor dst = out.narrow(d, at, sizes[i]);
                first.backend().copy(t.to(first.dtype()).kernelView(), dst.kernelView());
                at += sizes[i];
            }
        }
        return Autograd.record("cat", out, tensors.toArray(new Tensor[0]), g -> {
            Tensor[] grads = new Tensor[sizes.length];
            int from = 0;
            for (int i = 0; i < sizes.length; i++) {
                grads[i] = g.narrow(d, from, sizes[i]).contiguous();
                from += sizes[i];
            }
            return grads;
        });
    }

    /** Joins along a new dim. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        int[] shape = tensors.get(0).shape();
        for (int i = 1; i < tensors.size(); i++)
            if (!Arrays.equals(tensors.get(i).shape(), shape))
                throw new IllegalArgumentException("stack: expects each tensor to be equal size, but got " + Shapes.str(shape)
                        + " at entry 0 and " + tensors.get(i).shapeString() + " at entry " + i);
        int d = Shapes.wrapDim("stack", dim, shape.length + 1);
        List<Tensor> expanded = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) expanded.add(t.unsqueeze(d));
        return cat(expanded, d);
    }

    /** Pieces of {@code size} along dim (the last may be smaller); views of x. */
    public static List<Tensor> split(Tensor x, int size, int dim) {
        if (size < 1) throw new IllegalArgumentException("split: split size must be positive, got " + size);
        int d = Shapes.wrapDim("split", dim, x.dim());
        List<Tensor> parts = new ArrayList<>();
        for (int at = 0; at < x.size(d); at += size) parts.add(x.narrow(d, at, Math.min(size, x.size(d) - at)));
        return parts;
    }

    /** Pieces of the given sizes along dim; they must add up to the dim's size. */
    public static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shapes.wrapDim("split", dim, x.dim());
        int sum = Arrays.stream(sizes).sum();
        if (sum != x.size(d))
            throw new IllegalArgumentException("split_with_sizes expects split_sizes to sum exactly to " + x.size(d) + " (input tensor's size at dimension "
                    + d + "), but got split_sizes=" + Arrays.toString(sizes));
        List<Tensor> parts = new ArrayList<>();
        int at = 0;
        for (int s : sizes) {
            parts.add(x.narrow(d, at, s));
            at += s;
        }
        return parts;
    }

    /** {@code chunks} pieces of ceil(n/chunks) along dim, as torch.chunk (may return fewer). */
    public static List<Tensor> chunk(Tensor x, int chunks, int dim) {
        if (chunks < 1) throw new IllegalArgumentException("chunk: number of chunks must be positive, got " + chunks);
        int d = Shapes.wrapDim("chunk", dim, x.dim());
        return split(x, Math.max(1, Math.ceilDiv(x.size(d), chunks)), d);
    }
}
