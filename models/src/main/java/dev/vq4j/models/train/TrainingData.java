package dev.vq4j.models.train;

import dev.vq4j.autograd.Tensor;

/**
 * What the {@link Trainer} draws batches from: images for a tokenizer (every
 * {@link dev.vq4j.models.data.ImageDataset} is one), code grids and labels for a prior
 * ({@link dev.vq4j.models.prior.CodeDataset}).
 */
public interface TrainingData {
    /**
     * One batch.
     *
     * @param inputs images [B, C, H, W] in [0, 1], or int64 code grids [B, h, w]
     * @param labels int64 class labels [B], or null when the data has none
     */
    record Batch(Tensor inputs, Tensor labels) {}

    int size();

    /** The examples at the given indices. */
    Batch examples(int[] indices);

    /** One line for logs: what and how many. */
    String describe();

    /** State of the generator examples are drawn with (random crops, flips), for checkpoints; null when it draws nothing. */
    default long[] rngState() {
        return null;
    }

    /** Restores a state from {@link #rngState}. */
    default void restoreRng(long[] state) {
        throw new UnsupportedOperationException(describe() + " has no random generator to restore");
    }
}
