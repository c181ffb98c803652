package dev.vq4j.models.eval;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.GroupNorm;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.Sequential;
import dev.vq4j.autograd.nn.SiLU;
import dev.vq4j.autograd.optim.Adam;
import dev.vq4j.autograd.optim.WarmupCosineLr;
import dev.vq4j.core.MemoryScope;
import dev.vq4j.core.Rng;
import dev.vq4j.models.data.ImageDataset;

import java.util.function.IntConsumer;

/**
 * A small convolutional classifier trained on real labelled images, used as a judge of generated ones:
 * the fraction of class-conditional samples it assigns to the class they were asked for (the
 * "classification accuracy score" idea of Ravuri and Vinyals 2019, turned around: a classifier
 * trained on real data scores the samples). Five 3×3 convolutions (three strided: a receptive field
 * that covers a whole shape at 32 px) with group norm and SiLU, global average pooling and a linear head.
 */
public final class ImageClassifier extends Module {
    private final Sequential features;
    private final Linear head;
    private final int classes;

    public ImageClassifier(int channels, int width, int classes) {
        this.classes = classes;
        features = registerModule("features", new Sequential(
                new Conv2d(channels, width, 3, 1, 1), new GroupNorm(8, width), new SiLU(),
                new Conv2d(width, 2 * width, 3, 2, 1), new GroupNorm(8, 2 * width), new SiLU(),
                new Conv2d(2 * width, 2 * width, 3, 1, 1), new GroupNorm(8, 2 * width), new SiLU(),
                new Conv2d(2 * width, 4 * width, 3, 2, 1), new GroupNorm(8, 4 * width), new SiLU(),
                new Conv2d(4 * width, 4 * width, 3, 2, 1), new GroupNorm(8, 4 * width), new SiLU()));
        head = registerModule("head", new Linear(4 * width, classes));
    }

    /** images [N, C, H, W] in [0, 1] → logits [N, classes]. */
    @Override
    public Tensor forward(Tensor images) {
        return head.forward(features.forward(images).mean(new int[] {2, 3}, false));
    }

    /** The most likely class of each image. */
    public long[] predict(Tensor images) {
        boolean was = isTraining();
        eval();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return forward(images).argmax(1, false).contiguous().toLongArray();
        } finally {
            train(was);
        }
    }

    /** The fraction of images whose predicted class is the given one. */
    public double agreement(Tensor images, long[] labels) {
        long[] p = predict(images);
        if (p.length != labels.length) throw new IllegalArgumentException("agreement: " + p.length + " images, " + labels.length + " labels");
        int hits = 0;
        for (int i = 0; i < p.length; i++) if (p[i] == labels[i]) hits++;
        return hits / (double) p.length;
    }

    public int numClasses() {
        return classes;
    }

    /**
     * Trains on a labelled dataset with Adam (warm-up + cosine, 3e-3 → 1e-4), batches drawn from the seed.
     *
     * @param progress told the step number after each step
     */
    public static ImageClassifier train(ImageDataset data, int steps, int batch, long seed, IntConsumer progress) {
        if (data.classNames() == null) throw new IllegalArgumentException("classifier: " + data.describe() + " has no labels");
        if (steps < 1 || batch < 1) throw new IllegalArgumentException("classifier: need steps >= 1 and batch >= 1, got " + steps + ", " + batch);
        Init.manualSeed(seed);
        ImageClassifier model = new ImageClassifier(data.channels(), 32, data.classNames().size());
        Adam adam = new Adam(model.parameters(), 3e-3);
        WarmupCosineLr lr = new WarmupCosineLr(3e-3, Math.max(1, steps / 20), steps, 1e-4);
        Rng rng = new Rng(seed ^ 0xC1A55L);
        model.train();
        for (int s = 1; s <= steps; s++) {
            int[] idx = new int[batch];
            for (int i = 0; i < batch; i++) idx[i] = (int) rng.nextLong(data.size());
            try (MemoryScope ignored = MemoryScope.open()) {
                adam.setLr(lr.lr(s));
                adam.zeroGrad();
                Losses.crossEntropy(model.forward(data.batch(idx)), data.labels(idx)).backward();
                adam.step();
            }
            progress.accept(s);
        }
        model.eval();
        return model;
    }

    /** Accuracy on a labelled dataset, in batches. */
    public double accuracy(ImageDataset data, int batch) {
        int hits = 0;
        for (int start = 0; start < data.size(); start += batch) {
            int n = Math.min(batch, data.size() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = start + i;
            long[] p = predict(data.batch(idx)), l = data.labels(idx).toLongArray();
            for (int i = 0; i < n; i++) if (p[i] == l[i]) hits++;
        }
        return hits / (double) data.size();
    }
}
