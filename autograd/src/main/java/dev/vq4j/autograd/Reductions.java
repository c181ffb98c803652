package dev.vq4j.autograd;

import dev.vq4j.core.DType;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.Shapes;

import java.util.Arrays;

/**
 * Reductions over any set of dims, with keepdim. The reduced dims are permuted to the end (a view,
 * no copy) and handed to the backend's trailing-dims reduce kernel.
 */
public final class Reductions {
    private Reductions() {}

    /** Values and their int64 positions along the reduced dim, as torch.max(x, dim). */
    public record ValuesIndices(Tensor values, Tensor indices) {}

    /** Sorted, wrapped, duplicate-free dims; an empty array means all dims. */
    static int[] normaliseDims(String op, int[] dims, int rank) {
        if (dims == null || dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        boolean[] seen = new boolean[Math.max(rank, 1)];
        for (int d : dims) {
            int w = Shapes.wrapDim(op, d, rank);
            if (seen[w]) throw new IllegalArgumentException(op + ": dim " + w + " appears multiple times in the list of dims");
            seen[w] = true;
        }
        int[] out = new int[dims.length];
        int k = 0;
        for (int i = 0; i < seen.length; i++) if (seen[i] && i < Math.max(rank, 1)) out[k++] = i;
        return Arrays.copyOf(out, k);
    }

    /** Output shape with reduced dims kept as 1 or removed. */
    static int[] reducedShape(int[] shape, int[] dims, boolean keepdim) {
        boolean[] red = new boolean[shape.length];
        for (int d : dims) if (d < shape.length) red[d] = true;
        int[] out = new int[shape.length];
        int k = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!red[i]) out[k++] = shape[i];
            else if (keepdim) out[k++] = 1;
        }
        return Arrays.copyOf(out, k);
    }

    /** Runs the kernel: returns a tensor of the kept dims (keepdim layout applied by reshape). */
    static Tensor kernel(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        String name = op.name().toLowerCase();
        Tensor in = Elementwise.floatOperand(name, x);
        int rank = in.dim();
        int[] perm = new int[rank];
        boolean[] red = new boolean[rank];
        for (int d : dims) if (d < rank) red[d] = true;
        int k = 0;
        for (int i = 0; i < rank; i++) if (!red[i]) perm[k++] = i;
        int kept = k;
        for (int i = 0; i < rank; i++) if (red[i]) perm[k++] = i;
        for (int d : dims)
            if (d < rank && in.shape()[d] == 0 && op != ReduceOp.SUM)
                throw new IllegalArgumentException(name + ": cannot reduce over a zero-size dimension of " + in.shapeString());
        Tensor permuted;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            permuted = in.permute(perm);
        }
        int[] keptShape = Arrays.copyOf(permuted.shape(), kept);
        DType outType = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.INT64 : DType.FLOAT32;
        Tensor out = Tensor.emptyLike(in, outType, keptShape);
        in.backend().reduce(op, permuted.kernelView(), rank - kept, out.kernelView());
        int[] finalShape = reducedShape(in.shape(), dims, keepdim);
        return out.view(finalShape);
    }

    // ---- sum and mean -----------------------------------------------------------------------------

    public static Tensor sum(Tensor x) {
        return sum(x, null, false);
    }

    public static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        int[] d = normaliseDims("sum", dims, x.dim());
        Tensor out = kernel(ReduceOp.SUM, x, d, keepdim);
        int[] inShape = x.shape(), keptShape = reducedShape(inShape, d, true);
        return Autograd.record("sum", out, new Tensor[] {x}, g -> new Tensor[] {g.reshape(keptShape).expand(inShape).contiguous()});
    }

    public static Tensor mean(Tensor x) {
        return mean(x, null, false);
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        int[] d = normaliseDims("mean", dims, x.dim());
        long count = 1;
        for (int i : d) if (i < x.dim()) count *= x.shape()[i];
        return Elementwise.mul(sum(x, d, keepdim), 1f / count);
    }

    /**
     * Variance with Bessel's correction {@code correction} (1 = unbiased, PyTorch's default; 0 = population):
     * sum((x - mean)^2) / (n - correction).
     */
    public static Tensor var(Tensor x, int[] dims, int correction, boolean keepdim) {
        int[] d = normaliseDims("var", dims, x.dim());
        long n = 1;
        for (int i : d) if (i < x.dim()) n *= x.shape()[i];
        Tensor centred = Elementwise.sub(x, mean(x, d, true));
        return Elementwise.mul(sum(Elementwise.square(centred), d, keepdim), 1f / Math.max(n - correction, 0));
    }

    public static Tensor std(Tensor x, int[] dims, int correction, boolean keepdim) {
        return Elementwise.sqrt(var(x, dims, correction, keepdim));
    }

    /** Gradient of a sum reduction reshaped back: sums g over the dims where {@code shape} is 1 or missing. */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        if (lead < 0) throw new IllegalArgumentException("sumToShape: gradient " + g.shapeString() + " has fewer dims than " + Shapes.str(shape));
        int[] dims = new int[gs.length];
        int k = 0;
        for (int i = 0; i < gs.length; i++) if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims[k++] = i;
        Tensor s = k == 0 ? g : sum(g, Arrays.copyOf(dims, k), true);
        return s.reshape(shape);
    }

    // ---- max and min ------------------------------------------------------------------------------

    /** Largest element; the gradient is shared equally among ties, as torch.max(). */
    public static Tensor max(Tensor x) {
        return amaxAll("max", ReduceOp.MAX, x);
    }

    public static Tensor min(Tensor x) {
        return amaxAll("min", ReduceOp.MIN, x);
    }

    /** Max over dims with the gradient shared equally among ties (torch.amax). */
    public static Tensor amax(Tensor x, int[] dims, boolean keepdim) {
        return extreme("amax", ReduceOp.MAX, x, normaliseDims("amax", dims, x.dim()), keepdim);
    }

    public static Tensor amin(Tensor x, int[] dims, boolean keepdim) {
        return extreme("amin", ReduceOp.MIN, x, normaliseDims("amin", dims, x.dim()), keepdim);
    }

    private static Tensor amaxAll(String name, ReduceOp op, Tensor x) {
        if (x.numel() == 0) throw new IllegalArgumentException(name + "(): expected a non-empty tensor");
        return extreme(name, op, x, normaliseDims(name, null, x.dim()), false);
    }

    private static Tensor extreme(String name, ReduceOp op, Tensor x, int[] d, boolean keepdim) {
        Tensor out = kernel(op, x, d, keepdim);
        int[] keptShape = reducedShape(x.shape(), d, true);
        return Autograd.record(name, out, new Tensor[] {x}, g -> {
            Tensor mask = x.eq(out.reshape(keptShape)).to(DType.FLOAT32);
            Tensor count = sum(mask, d, true);
            return new Tensor[] {Elementwise.div(Elementwise.mul(mask, g.reshape(keptShape)), count)};
        });
    }

    /** Max along one dim with the position of the first maximum; the gradient goes to that position. */
    public static ValuesIndices max(Tensor x, int dim, boolean keepdim) {
        return extremeAlong("max", ReduceOp.MAX, ReduceOp.ARGMAX, x, dim, keepdim);
    }

    public static ValuesIndices min(Tensor x, int dim, boolean keepdim) {
        return extremeAlong("min", ReduceOp.MIN, ReduceOp.ARGMIN, x, dim, keepdim);
    }

    private static ValuesIndices extremeAlong(String name, ReduceOp valueOp, ReduceOp indexOp, Tensor x, int dim, boolean keepdim) {
        int d = Shapes.wrapDim(name, dim, x.dim());
        int[] dims = x.dim() == 0 ? new int[0] : new int[] {d};
        Tensor indices = kernel(indexOp, x, dims, keepdim);
        Tensor values = kernel(valueOp, x, dims, keepdim);
        int[] inShape = x.shape(), keptShape = reducedShape(inShape, dims, true);
        Autograd.record(name, values, new Tensor[] {x}, g -> {
            Tensor grad = Tensor.zeros(g.device(), inShape);
            if (inShape.length == 0) return new Tensor[] {g.reshape(inShape)};
            Indexing.scatterAddInPlace(grad, d, indices.reshape(keptShape), g.reshape(keptShape));
            return new Tensor[] {grad};
        });
        return new ValuesIndices(values, indices);
    }

    public static Tensor argmax(Tensor x, int dim, boolean keepdim) {
        int d = Shapes.wrapDim("argmax", dim, x.dim());
        return kernel(ReduceOp.ARGMAX, x, x.dim() == 0 ? new int[0] : new int[] {d}, keepdim);
    }

    /** Position of the maximum in the flattened tensor. */
    public static Tensor argmax(Tensor x) {
        return kernel(ReduceOp.ARGMAX, x.reshape(-1), new int[] {0}, false);
    }

    public static Tensor argmin(Tensor x, int dim, boolean keepdim) {
        int d = Shapes.wrapDim("argmin", dim, x.dim());
        return kernel(ReduceOp.ARGMIN, x, x.dim() == 0 ? new int[0] : new int[] {d}, keepdim);
    }

    public static Tensor argmin(Tensor x) {
        return kernel(ReduceOp.ARGMIN, x.reshape(-1), new int[] {0}, false);
    }

    // ---- composites -------------------------------------------------------------------------------

    /** log(sum(exp(x))) computed as m + log(sum(exp(x - m))) with m the max (stable). */
    public static Tensor logsumexp(Tensor x, int[] dims, boolean keepdim) {
        int[] d = normaliseDims("logsumexp", dims, x.dim());
        Tensor m;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            m = kernel(ReduceOp.MAX, x, d, true);
            // an all -inf slice would give nan from (-inf) - (-inf); shift by 0 there, as PyTorch
            m = Elementwise.where(Elementwise.unary(dev.vq4j.core.UnaryOp.ABS, m, 0, 0).eq(m.scalarLike(Float.POSITIVE_INFINITY)),
                    Tensor.zerosLike(m), m);
        }
        Tensor s = sum(Elementwise.exp(Elementwise.sub(x, m)), d, true);
        Tensor out = Elementwise.add(Elementwise.log(s), m);
        return keepdim ? out : out.reshape(reducedShape(x.shape(), d, false));
    }

    /**
     * p-norm over dims: (sum |x|^p)^(1/p); p = 2 uses sqrt(sum x^2), p = infinity the max of |x|.
     * The gradient at an all-zero slice is 0, as PyTorch.
     */
    public static Tensor norm(Tensor x, double p, int[] dims, boolean keepdim) {
        int[] d = normaliseDims("norm", dims, x.dim());
        if (Double.isInfinite(p)) return amax(Elementwise.abs(x), d, keepdim);
        if (p == 2) {
            Tensor ss = sum(Elementwise.square(x), d, keepdim);
            Tensor out = Elementwise.unary(dev.vq4j.core.UnaryOp.SQRT, ss, 0, 0);
            int[] keptShape = reducedShape(x.shape(), d, true);
            return Autograd.record("norm", out, new Tensor[] {x}, g -> {
                Tensor n = out.reshape(keptShape);
                Tensor safe = Elementwise.where(n.eq(Tensor.zerosLike(n)), Tensor.onesLike(n), n);
                Tensor scale = Elementwise.where(n.eq(Tensor.zerosLike(n)), Tensor.zerosLike(n), Elementwise.div(g.reshape(keptShape), safe));
                return new Tensor[] {Elementwise.mul(x, scale)};
            });
        }
        if (p == 1) return sum(Elementwise.abs(x), d, keepdim);
        if (!(p > 0)) throw new IllegalArgumentException("norm: p must be positive, got " + p);
        Tensor out;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            out = Elementwise.pow(sum(Elementwise.pow(Elementwise.abs(x), (float) p), d, keepdim), (float) (1.0 / p));
        }
        int[] keptShape = reducedShape(x.shape(), d, true);
        float pf = (float) p;
        return Autograd.record("norm", out, new Tensor[] {x}, g -> {
            // d||x||_p/dx = sign(x) |x|^(p-1) / ||x||^(p-1), set to 0 where the norm is 0 (PyTorch's
            // linalg_vector_norm_backward); composing pow and sum instead gives inf * 0 = NaN there
            Tensor n = out.reshape(keptShape);
            Tensor zero = n.eq(n.scalarLike(0f));
            Tensor scale = Elementwise.where(zero, n.scalarLike(0f),
                    Elementwise.div(g.reshape(keptShape), Elementwise.pow(n, pf - 1f)));
            Tensor ax = Elementwise.abs(x);
            Tensor powAbs = Elementwise.pow(ax, pf - 1f);
            if (p < 1) powAbs = Elementwise.where(ax.eq(ax.scalarLike(0f)), ax.scalarLike(0f), powAbs);
            return new Tensor[] {Elementwise.mul(Elementwise.mul(Elementwise.sign(x), powAbs), scale)};
        });
    }
}
