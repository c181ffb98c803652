package dev.vq4j.autograd;

import dev.vq4j.core.DType;
import dev.vq4j.core.PadMode;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.UpsampleMode;

import java.util.Arrays;

/** Upsampling (nearest, bilinear) and padding (constant, reflect, replicate), as torch.nn.functional. */
public final class Resampling {
    private Resampling() {}

    /** Resizes the last two dims of x [N, C, H, W] (or [C, H, W]) to outH x outW, as F.interpolate(size=...). */
    public static Tensor interpolate(Tensor x, int outH, int outW, UpsampleMode mode, boolean alignCorners) {
        if (mode == null) throw new IllegalArgumentException("interpolate: mode must be given (NEAREST or BILINEAR)");
        if (x.dim() != 3 && x.dim() != 4)
            throw new IllegalArgumentException("interpolate: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input for 2-D resizing, but got "
                    + x.shapeString());
        if (mode == UpsampleMode.NEAREST && alignCorners)
            throw new IllegalArgumentException("interpolate: align_corners option can only be set with the interpolating modes: "
                    + "linear | bilinear | bicubic | trilinear (got nearest)");
        int h = x.size(-2), w = x.size(-1);
        if (h < 1 || w < 1 || outH < 1 || outW < 1)
            throw new IllegalArgumentException("interpolate: input and output sizes should be greater than 0, but got input " + x.shapeString()
                    + " (H: " + h + ", W: " + w + ") output (H: " + outH + ", W: " + outW + ")");
        int[] outShape = x.shape();
        outShape[x.dim() - 2] = outH;
        outShape[x.dim() - 1] = outW;
        return resize(Elementwise.floatOperand("interpolate", x), outShape, mode, alignCorners);
    }

    /** F.interpolate(scale_factor=scale) for an integer scale. */
    public static Tensor upsample(Tensor x, int scale, UpsampleMode mode, boolean alignCorners) {
        if (scale < 1) throw new IllegalArgumentException("upsample: scale factor must be a positive integer, but got " + scale);
        return interpolate(x, x.size(-2) * scale, x.size(-1) * scale, mode, alignCorners);
    }

    /** F.pad: pads holds (before, after) pairs starting from the last dim. */
    public static Tensor pad(Tensor x, int[] pads, PadMode mode, float value) {
        if (mode == null) throw new IllegalArgumentException("pad: mode must be given (CONSTANT, REFLECT or REPLICATE)");
        int[] outShape = paddedShape(x, pads, mode);
        return padOp(Elementwise.floatOperand("pad", x), pads.clone(), mode, value, outShape);
    }

    // ---- the linear maps and their adjoints (each is the other's gradient) -----------------------

    private static Tensor resize(Tensor x, int[] outShape, UpsampleMode mode, boolean alignCorners) {
        int[] inShape = x.shape();
        Tensor out = Tensor.emptyLike(x, DType.FLOAT32, outShape);
        x.backend().upsample2d(mode, alignCorners, x.kernelView(), out.kernelView());
        return Autograd.record(opName(mode), out, new Tensor[] {x},
                g -> new Tensor[] {resizeBackward(g, inShape, mode, alignCorners)});
    }

    private static Tensor resizeBackward(Tensor g, int[] inShape, UpsampleMode mode, boolean alignCorners) {
        int[] outShape = g.shape();
        Tensor gradIn = Tensor.emptyLike(g, DType.FLOAT32, inShape); // zero-filled: the kernel accumulates
        g.backend().upsample2dBackward(mode, alignCorners, g.kernelView(), gradIn.kernelView());
        return Autograd.record(opName(mode) + "_backward", gradIn, new Tensor[] {g},
                gg -> new Tensor[] {resize(gg, outShape, mode, alignCorners)});
    }

    private static String opName(UpsampleMode mode) {
        return mode == UpsampleMode.NEAREST ? "upsample_nearest2d" : "upsample_bilinear2d";
    }

    private static Tensor padOp(Tensor x, int[] pads, PadMode mode, float value, int[] outShape) {
        int[] inShape = x.shape();
        Tensor out = Tensor.emptyLike(x, DType.FLOAT32, outShape);
        x.backend().pad(mode, pads, value, x.kernelView(), out.kernelView());
        return Autograd.record(padName(mode), out, new Tensor[] {x}, g -> new Tensor[] {padBackward(g, pads, mode, inShape)});
    }

    private static Tensor padBackward(Tensor g, int[] pads, PadMode mode, int[] inShape) {
        int[] outShape = g.shape();
        Tensor gradIn = Tensor.emptyLike(g, DType.FLOAT32, inShape); // zero-filled: the kernel accumulates
        g.backend().padBackward(mode, pads, g.kernelView(), gradIn.kernelView());
        return Autograd.record(padName(mode) + "_backward", gradIn, new Tensor[] {g},
                gg -> new Tensor[] {padOp(gg, pads, mode, 0f, outShape)});
    }

    private static String padName(PadMode mode) {
        return switch (mode) {
            case CONSTANT -> "constant_pad_nd";
            case REFLECT -> "reflection_pad";
            case REPLICATE -> "replication_pad";
        };
    }

    // ---- checks ------------------------------------------------------------------------------------

    /** The shape after padding, with F.pad's checks. */
    private static int[] paddedShape(Tensor x, int[] pads, PadMode mode) {
        if (pads == null || pads.length % 2 != 0)
            throw new IllegalArgumentException("pad: padding length must be divisible by 2, but got " + (pads == null ? "null" : Arrays.toString(pads)));
        int rank = x.dim();
        if (pads.length / 2 > rank)
            throw new IllegalArgumentException("pad: padding length too large: " + Arrays.toString(pads) + " pads " + pads.length / 2
                    + " dims but input " + x.shapeString() + " has " + rank);
        int[] out = x.shape();
        for (int j = 0; j < pads.length / 2; j++) {
            int d = rank - 1 - j, in = out[d], before = pads[2 * j], after = pads[2 * j + 1];
            int size = in + before + after;
            if (mode == PadMode.REFLECT && (before >= in || after >= in))
                throw new IllegalArgumentException("pad: padding size should be less than the corresponding input dimension in reflect mode, but got: padding ("
                        + before + ", " + after + ") at dimension " + d + " of input " + x.shapeString());
            if (size < 0)
                throw new IllegalArgumentException("pad: the input size " + in + ", plus negative padding " + before + " and " + after
                        + " resulted in a negative output size, which is invalid. Check dimension " + d + " of your input " + x.shapeString());
            if (mode != PadMode.CONSTANT && (in < 1 || size < 1))
                throw new IllegalArgumentException("pad: input " + x.shapeString() + " is too small for " + mode.name().toLowerCase()
                        + " padding (" + before + ", " + after + ") at dimension " + d + ": calculated output size " + size);
            out[d] = size;
        }
        Shapes.numel(out); // overflow check
        return out;
    }
}
