package dev.vq4j.kernels.reference;

import dev.vq4j.core.PadMode;
import dev.vq4j.core.UpsampleMode;
import dev.vq4j.core.View;

/** Upsampling and padding (filled in by the resampling work item). */
final class ReferenceResample {
    private ReferenceResample() {}

    static void upsample2d(UpsampleMode mode, boolean alignCorners, View x, View out) {
        throw new UnsupportedOperationException("reference backend: upsample2d is not implemented yet");
    }

    static void upsample2dBackward(UpsampleMode mode, boolean alignCorners, View gradOut, View gradIn) {
        throw new UnsupportedOperationException("reference backend: upsample2d backward is not implemented yet");
    }

    static void pad(PadMode mode, int[] pads, float value, View x, View out) {
        throw new UnsupportedOperationException("reference backend: pad is not implemented yet");
    }

    static void padBackward(PadMode mode, int[] pads, View gradOut, View gradIn) {
        throw new UnsupportedOperationException("reference backend: pad backward is not implemented yet");
    }
}
