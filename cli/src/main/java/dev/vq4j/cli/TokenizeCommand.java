package dev.vq4j.cli;

import dev.vq4j.models.data.DataSources;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.prior.CodeDataset;
import dev.vq4j.models.prior.Tokenization;
import dev.vq4j.models.train.TrainConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code vq4j tokenize}: a whole dataset through a tokenizer into one {@code codes.safetensors} (code
 * grids, labels when the source has them, the tokenizer's path) that {@code vq4j train --model gpt|maskgit}
 * trains a prior on.
 */
final class TokenizeCommand implements Command {
    @Override
    public String name() {
        return "tokenize";
    }

    @Override
    public String summary() {
        return "turn a dataset into code grids (+ labels) for training a prior";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.value("tokenizer", null, "the tokenizer: a vq4j run or checkpoint directory, a taming directory, or a weights file"),
                Options.Spec.value("tokenizer-config", null, "the tokenizer's config when it is not beside its weights (model.yaml or config.json)"),
                Options.Spec.value("data", "builtin", "images: builtin, folder:PATH, mnist:PATH or cifar10:PATH"),
                Options.Spec.value("count", null, "built-in: images to generate (default: the tokenizer run's training images); files: at most this many (0 = all)"),
                Options.Spec.value("image-size", null, "image side in pixels (default: the tokenizer's training size)"),
                Options.Spec.value("seed", null, "seed of built-in images (default: the tokenizer run's training seed)"),
                Options.Spec.flag("flip", "also encode every image mirrored left-right (twice the grids)"),
                Options.Spec.value("copies", "1", "passes over a source that draws random crops and flips (folder:), each a new draw"),
                Options.Spec.value("batch", "64", "images per forward pass"),
                Options.Spec.flag("skip-bad-files", "image folders: leave undecodable files out with a warning"),
                Options.Spec.value("out", "codes.safetensors", "output file (.safetensors)"));
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (options.string("tokenizer") == null) throw new UsageException("--tokenizer is required (the run or checkpoint whose codes to compute)");
        Path file = Path.of(options.string("out"));
        if (!file.getFileName().toString().endsWith(".safetensors")) throw new UsageException("--out must end in .safetensors, got " + file);
        Tokenization.Options o;
        try {
            o = new Tokenization.Options(options.flag("flip"), options.integer("copies"), options.integer("batch"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage().replace("tokenize: ", "--").replace("batch size", "batch"));
        }
        Loaded loaded = Loaded.from(options.string("tokenizer"), options.string("tokenizer-config"));
        TrainConfig t = loaded.train() != null ? loaded.train() : TrainConfig.defaults();
        int size = options.string("image-size") != null ? options.integer("image-size") : loaded.defaultImageSize();
        int count = options.string("count") != null ? options.integer("count") : t.trainImages();
        if (count < 0) throw new UsageException("--count must be >= 0, got " + count);
        long seed = options.string("seed") != null ? options.integer("seed") : t.seed();
        ImageDataset data;
        try {
            data = DataSources.open(options.string("data"), size, count, seed, o.copies() > 1, options.flag("skip-bad-files"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        long total = Tokenization.imageCount(data, o);
        out.printf(Locale.ROOT, "tokenizer %s (%s, %d codes)%n", loaded.source(), loaded.model().modelType(), loaded.model().codebookSize());
        out.printf(Locale.ROOT, "data      %s%s%n", data.describe(), data.classNames() == null ? "" : ", classes " + data.classNames());
        ProgressBar bar = ProgressBar.forStdout(out, (int) Math.min(Integer.MAX_VALUE, total));
        long t0 = System.nanoTime();
        CodeDataset codes;
        try {
            codes = Tokenization.run(loaded.model(), data, o, loaded.source().toAbsolutePath().toString(), done -> bar.update((int) done, "images"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            codes.write(file);
        } catch (IOException e) {
            throw new UsageException("cannot write " + file + ": " + e.getMessage());
        }
        double s = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "wrote %s: %d grids of %dx%d%s in %.1f s (%.0f images/s)%n", file, codes.size(), codes.height(), codes.width(),
                codes.classNames() == null ? "" : ", labels over " + codes.numClasses() + " classes", s, codes.size() / Math.max(s, 1e-9));
        return 0;
    }
}
