package dev.vq4j.models.metrics;

import dev.vq4j.autograd.Tensor;

import java.util.Arrays;

final class Images {
    private Images() {}

    static void check(String who, Tensor x, Tensor y) {
        if (x.dim() != 4 || !Arrays.equals(x.shape(), y.shape()))
            throw new IllegalArgumentException(who + ": expected two images [B, C, H, W] of the same shape, got " + x.shapeString() + " and " + y.shapeString());
    }
}
