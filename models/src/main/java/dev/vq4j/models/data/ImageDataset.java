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

    /** State of the generator {@link #batch} draws from (random crops, flips), for checkpoints; null when it draws nothing. */
    default long[] rngState() {
        return null;
    }

    /** Restores a state from {@link #rngState}. */
    default void restoreRng(long[] state) {
        throw new UnsupportedOperationException(describe() + " has no random generator to restore");
    }
}
