package dev.vq4j.cli;

import dev.vq4j.models.toy.ClassifierTraining;
import dev.vq4j.models.toy.ShapeImages;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code vq4j demo}: prints the system info, then trains a small conv net on generated shape
 * images (every layer type the engine has, forward and backward) and shows the loss falling and
 * the held-out accuracy. The VQ-VAE demo replaces the training part when the models land.
 */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "print the system info, then train a small conv net on generated images";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.value("steps", "300", "training steps"),
                Options.Spec.value("batch", "32", "images per step"),
                Options.Spec.value("seed", "1", "random seed (data, initialisation)"));
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (!options.positional().isEmpty()) throw new UsageException("takes no arguments, got " + options.positional());
        int steps = options.integer("steps"), batch = options.integer("batch");
        if (steps < 1) throw new UsageException("--steps must be >= 1, got " + steps);
        if (batch < 1) throw new UsageException("--batch must be >= 1, got " + batch);
        long seed = options.integer("seed");
        InfoCommand.print(out);
        out.println();
        out.printf(Locale.ROOT, "training a conv net to tell %s apart in 16x16 generated images: %d steps of %d images (chance: loss 1.10, accuracy 33%%)%n",
                String.join(" / ", ShapeImages.CLASSES), steps, batch);
        ProgressBar bar = ProgressBar.forStdout(out, steps);
        long start = System.nanoTime();
        ClassifierTraining.Result r = ClassifierTraining.train(seed, steps, batch, 16,
                (step, loss, lr) -> bar.update(step, String.format(Locale.ROOT, "loss %.4f  lr %.2e", loss, lr)));
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "loss %.4f -> %.4f (mean of the last 10 steps) in %.1f s%n", r.firstLoss(), r.lastLoss(), seconds);
        out.printf(Locale.ROOT, "held-out accuracy %.1f%% on 256 new images%n", 100 * r.heldOutAccuracy());
        return 0;
    }
}
