package dev.vq4j.kernels.reference;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.View;

/** Direct 2-D convolution and its two gradients (filled in by the conv work item). */
final class ReferenceConv {
    private ReferenceConv() {}

    static void forward(View x, View w, View out, Conv2dParams p) {
        throw new UnsupportedOperationException("reference backend: conv2d is not implemented yet");
    }

    static void inputGrad(View gradOut, View w, View gradIn, Conv2dParams p) {
        throw new UnsupportedOperationException("reference backend: conv2d input gradient is not implemented yet");
    }

    static void weightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        throw new UnsupportedOperationException("reference backend: conv2d weight gradient is not implemented yet");
    }
}
