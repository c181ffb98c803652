package dev.vq4j.models.train;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.viz.Plots;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A task that trains an {@link ImageTokenizer} on images: held-out reconstruction quality
 * ({@link Evaluation}) and grids of held-out images above their reconstructions.
 */
public interface TokenizerTask extends TrainingTask {
    /**
     * Extra held-out measures summed over a batch (the evaluation divides by the image count): e.g. a
     * VQGAN's L1, LPIPS and g-loss. Called in eval mode without gradients; none by default.
     */
    default Map<String, Double> evalTermSums(Tensor images, Tensor reconstructions) {
        return Map.of();
    }

    @Override
    default void checkData(TrainingData train) {
        ImageDataset images = images(train);
        ImageTokenizer tok = tokenizer();
        if (images.channels() != tok.imageChannels())
            throw new IllegalArgumentException("Trainer: the data has " + images.channels() + " channels (" + images.describe() + "), the model expects "
                    + tok.imageChannels());
        tok.codeGridShape(images.height(), images.width());
    }

    @Override
    default EvalReport evaluate(TrainingData heldOut, int batchSize) {
        return Evaluation.evaluate(tokenizer(), images(heldOut), batchSize, true, this::evalTermSums);
    }

    /** Up to 8 held-out images above their reconstructions. */
    @Override
    default void writeSamples(Path png, TrainingData heldOut) {
        ImageDataset images = images(heldOut);
        int n = Math.min(8, images.size());
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Tensor originals = images.batch(idx);
        Tensor recon = tokenizer().reconstructImages(originals).images();
        Plots.imageGrid(png, List.of(originals, recon), List.of("original", "reconstruction"));
    }

    private static ImageDataset images(TrainingData data) {
        if (data instanceof ImageDataset d) return d;
        throw new IllegalArgumentException("a tokenizer trains on images, not on " + data.describe());
    }
}
