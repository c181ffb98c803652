package dev.vq4j.kernels.reference;

import dev.vq4j.core.Pool2dParams;
import dev.vq4j.core.View;

/** Max and average pooling (filled in by the pooling work item). */
final class ReferencePool {
    private ReferencePool() {}

    static void maxPool2d(View x, View out, View indices, Pool2dParams p) {
        throw new UnsupportedOperationException("reference backend: max_pool2d is not implemented yet");
    }

    static void avgPool2d(View x, View out, Pool2dParams p) {
        throw new UnsupportedOperationException("reference backend: avg_pool2d is not implemented yet");
    }

    static void avgPool2dBackward(View gradOut, View gradIn, Pool2dParams p) {
        throw new UnsupportedOperationException("reference backend: avg_pool2d backward is not implemented yet");
    }
}
