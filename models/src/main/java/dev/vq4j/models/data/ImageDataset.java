package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.train.TrainingData;

import java.util.List;

/** A finite set of same-sized images with values in [0, 1], read by index. */
public interface ImageDataset extends TrainingData {
    int size();

    int channels();

    int height();

    int width();

    /** Images at the given indices as one float32 tensor [B, C, H, W] in [0, 1]. */
    Tensor batch(int[] indices);

    /**
     * The class names when every image has a label (CIFAR-10's classes, MNIST's digits, the built-in
     * images' main shape), else null.
     */
    default List<String> classNames() {
        return null;
    }

    /** The labels of the images at the given indices, int64 [B] in [0, classNames().size()). */
    default Tensor labels(int[] indices) {
        throw new UnsupportedOperationException(describe() + " has no labels");
    }

    /** The images at the given indices, without labels (a tokenizer does not need them; {@link #labels} gives them). */
    @Override
    default Batch examples(int[] indices) {
        return new Batch(batch(indices), null);
    }
}
