package dev.vq4j.models.toy;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.optim.Adam;
import dev.vq4j.autograd.optim.GradClipping;
import dev.vq4j.autograd.optim.WarmupCosineLr;
import dev.vq4j.core.Rng;

/**
 * Trains {@link TinyConvNet} on freshly generated {@link ShapeImages} batches with Adam, a warm-up +
 * cosine schedule and gradient clipping, then measures accuracy on a held-out set. Deterministic
 * from the seed (at a fixed thread count).
 */
public final class ClassifierTraining {
    /** Called after each step with the step number (1-based), the loss and the learning rate. */
    @FunctionalInterface
    public interface StepListener {
        void onStep(int step, float loss, double lr);
    }

    public record Result(float firstLoss, float lastLoss, float heldOutAccuracy, float[] losses) {}

    private ClassifierTraining() {}

    public static Result train(long seed, int steps, int batch, int imageSize, StepListener listener) {
        if (steps < 1 || batch < 1) throw new IllegalArgumentException("training needs steps >= 1 and batch >= 1, got " + steps + ", " + batch);
        Init.manualSeed(seed);
        TinyConvNet model = new TinyConvNet(8, ShapeImages.CLASSES.length);
        Adam adam = new Adam(model.parameters(), 3e-3);
        WarmupCosineLr schedule = new WarmupCosineLr(3e-3, Math.max(1, steps / 10), steps, 3e-4);
        Rng data = new Rng(seed ^ 0x5EED);
        float[] losses = new float[steps];
        for (int step = 0; step < steps; step++) {
            ShapeImages.Batch b = ShapeImages.generate(data, batch, imageSize);
            adam.setLr(schedule.lr(step + 1));
            adam.zeroGrad();
            Tensor loss = Losses.crossEntropy(model.forward(b.images()), b.labels());
            loss.backward();
            GradClipping.clipGradNorm(model.parameters(), 1.0);
            adam.step();
            losses[step] = loss.item();
            if (!Float.isFinite(losses[step]))
                throw new ArithmeticException("training diverged: loss is " + losses[step] + " at step " + (step + 1));
            if (listener != null) listener.onStep(step + 1, losses[step], adam.lr());
        }
        model.eval();
        ShapeImages.Batch heldOut = ShapeImages.generate(new Rng(seed ^ 0xE7A1), 256, imageSize);
        float accuracy;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            long[] predicted = model.forward(heldOut.images()).argmax(1, false).toLongArray();
            long[] truth = heldOut.labels().toLongArray();
            int right = 0;
            for (int i = 0; i < truth.length; i++) if (predicted[i] == truth[i]) right++;
            accuracy = right / (float) truth.length;
        }
        return new Result(losses[0], mean(losses, Math.max(0, steps - 10), steps), accuracy, losses);
    }

    private static float mean(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += v[i];
        return (float) (s / (to - from));
    }
}
