package dev.vq4j.autograd;

import dev.vq4j.core.PadMode;
import dev.vq4j.core.UpsampleMode;

/** Upsampling (nearest, bilinear) and padding (constant, reflect, replicate), as torch.nn.functional. */
public final class Resampling {
    private Resampling() {}

    /** Resizes the last two dims of x [N, C, H, W] to outH x outW, as F.interpolate(size=...). */
    public static Tensor interpolate(Tensor x, int outH, int outW, UpsampleMode mode, boolean alignCorners) {
        throw new UnsupportedOperationException("interpolate: not implemented yet");
    }

    /** F.interpolate(scale_factor=scale) for an integer scale. */
    public static Tensor upsample(Tensor x, int scale, UpsampleMode mode, boolean alignCorners) {
        return interpolate(x, x.size(-2) * scale, x.size(-1) * scale, mode, alignCorners);
    }

    /** F.pad: pads holds (before, after) pairs starting from the last dim. */
    public static Tensor pad(Tensor x, int[] pads, PadMode mode, float value) {
        throw new UnsupportedOperationException("pad: not implemented yet");
    }
}
