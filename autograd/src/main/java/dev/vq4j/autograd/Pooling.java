package dev.vq4j.autograd;

import dev.vq4j.core.DType;
import dev.vq4j.core.Pool2dParams;
import dev.vq4j.core.Shapes;

import java.util.Arrays;

/** max_pool2d and avg_pool2d over NCHW (or CHW) input, as torch.nn.functional. */
public final class Pooling {
    private Pooling() {}

    /** kernel, stride, padding are {h, w}; stride null means stride = kernel. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode) {
        Pool2dParams p = params("max_pool2d", x, kernel, stride, padding, ceilMode, true);
        Tensor in = Elementwise.floatOperand("max_pool2d", x);
        int[] inShape = x.shape();
        int[] outShape = outShape(inShape, p);
        Tensor out = Tensor.emptyLike(in, DType.FLOAT32, outShape);
        Tensor indices = Tensor.emptyLike(in, DType.INT64, outShape);
        in.backend().maxPool2d(in.kernelView(), out.kernelView(), indices.kernelView(), p);
        // d out / d x: each output's gradient goes to its argmax, summed where windows share one
        return Autograd.record("max_pool2d", out, new Tensor[] {x}, g -> new Tensor[] {scatterToArgmax(g, indices, inShape)});
    }

    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        Pool2dParams p = params("avg_pool2d", x, kernel, stride, padding, ceilMode, countIncludePad);
        return avgPool(Elementwise.floatOperand("avg_pool2d", x), p);
    }

    // ---- the linear maps and their adjoints (each is the other's gradient) -----------------------

    private static Tensor avgPool(Tensor x, Pool2dParams p) {
        int[] inShape = x.shape();
        Tensor out = Tensor.emptyLike(x, DType.FLOAT32, outShape(inShape, p));
        x.backend().avgPool2d(x.kernelView(), out.kernelView(), p);
        return Autograd.record("avg_pool2d", out, new Tensor[] {x}, g -> new Tensor[] {avgPoolBackward(g, inShape, p)});
    }

    /** The adjoint of avg_pool2d: spreads each output gradient over its window, divided by the divisor. */
    private static Tensor avgPoolBackward(Tensor g, int[] inShape, Pool2dParams p) {
        Tensor gradIn = Tensor.emptyLike(g, DType.FLOAT32, inShape);
        g.backend().avgPool2dBackward(g.kernelView(), gradIn.kernelView(), p);
        return Autograd.record("avg_pool2d_backward", gradIn, new Tensor[] {g}, gg -> new Tensor[] {avgPool(gg, p)});
    }

    /** Sums g into a zero tensor of the input's shape at the flat per-plane positions in indices. */
    private static Tensor scatterToArgmax(Tensor g, Tensor indices, int[] inShape) {
        int r = inShape.length;
        int plane = inShape[r - 2] * inShape[r - 1];
        int planes = Shapes.numel(inShape) / Math.max(plane, 1);
        int outPlane = indices.size(-2) * indices.size(-1);
        Tensor zeros = Tensor.zeros(g.device(), planes, plane);
        return Indexing.scatterAdd(zeros, 1, indices.reshape(planes, outPlane), g.reshape(planes, outPlane)).reshape(inShape);
    }

    // ---- checks ------------------------------------------------------------------------------------

    private static int[] outShape(int[] inShape, Pool2dParams p) {
        int r = inShape.length;
        int[] out = inShape.clone();
        out[r - 2] = p.outH(inShape[r - 2]);
        out[r - 1] = p.outW(inShape[r - 1]);
        return out;
    }

    /** Validates the input and the window geometry the way ATen's pool2d_shape_check does. */
    private static Pool2dParams params(String op, Tensor x, int[] kernel, int[] stride, int[] padding,
                                       boolean ceilMode, boolean countIncludePad) {
        if (x.dim() != 3 && x.dim() != 4)
            throw new IllegalArgumentException(op + ": expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, but got " + x.shapeString());
        int[] k = pair(op, "kernel_size", kernel, null);
        int[] s = pair(op, "stride", stride, k);
        int[] pad = pair(op, "padding", padding, new int[] {0, 0});
        if (k[0] < 1 || k[1] < 1)
            throw new IllegalArgumentException(op + ": kernel size should be greater than zero, but got kH: " + k[0] + " kW: " + k[1]);
        if (s[0] < 1 || s[1] < 1)
            throw new IllegalArgumentException(op + ": stride should be greater than zero, but got dH: " + s[0] + " dW: " + s[1]);
        if (pad[0] < 0 || pad[1] < 0 || 2 * pad[0] > k[0] || 2 * pad[1] > k[1])
            throw new IllegalArgumentException(op + ": pad should be at most half of kernel size, but got pad=" + Arrays.toString(pad)
                    + " and kernel_size=" + Arrays.toString(k));
        Pool2dParams p = new Pool2dParams(k[0], k[1], s[0], s[1], pad[0], pad[1], ceilMode, countIncludePad);
        int h = x.size(-2), w = x.size(-1), outH = p.outH(h), outW = p.outW(w);
        if (h < 1 || w < 1 || outH < 1 || outW < 1)
            throw new IllegalArgumentException(op + ": given input size " + x.shapeString() + " (" + x.size(-3) + "x" + h + "x" + w
                    + "), calculated output size (" + x.size(-3) + "x" + outH + "x" + outW + "). Output size is too small");
        return p;
    }

    /** An {h, w} pair from one or two ints, or the default when null. */
    private static int[] pair(String op, String what, int[] v, int[] dflt) {
        if (v == null || v.length == 0) {
            if (dflt == null) throw new IllegalArgumentException(op + ": " + what + " must be given");
            return dflt.clone();
        }
        if (v.length == 1) return new int[] {v[0], v[0]};
        if (v.length == 2) return v.clone();
        throw new IllegalArgumentException(op + ": " + what + " must either be a single int, or a tuple of two ints, but got "
                + Arrays.toString(v));
    }
}
