package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;

/** A finite set of same-sized images with values in [0, 1], read by index. */
public interface ImageDataset {
    int size();

    int channels();

    int height();

    int width();

    /** Images at the given indices as one float32 tensor [B, C, H, W] in [0, 1]. */
    Tensor batch(int[] indices);

    /** One line for logs: what and how many. */
    String describe();
}
