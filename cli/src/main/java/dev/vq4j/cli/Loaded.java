package dev.vq4j.cli;

import dev.vq4j.autograd.Shaping;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.data.DataSources;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.data.Images;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.vqgan.VqganModel;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tokenizer named by {@code --checkpoint} (and {@code --config}), and the images the inference
 * commands read: the options every one of eval, reconstruct, encode and decode shares, for every
 * model ({@link ImageTokenizer#load}).
 *
 * @param train the training config of a vq4j checkpoint (null for taming's files): default image size and held-out seed
 */
record Loaded(Path source, ImageTokenizer model, TrainConfig train) {

    static List<Options.Spec> checkpointOptions() {
        return List.of(
                Options.Spec.value("checkpoint", null, "a vq4j run or checkpoint directory, a taming directory (model.yaml + weights), "
                        + "or a weights file (.safetensors/.ckpt/.pt) with config.json or model.yaml beside it; required"),
                Options.Spec.value("config", null, "the weights' config when it is not beside them: taming's model.yaml or a vq4j config.json"));
    }

    static List<Options.Spec> dataOptions(String defaultCount) {
        return List.of(
                Options.Spec.value("data", null, "images: builtin, folder:PATH, mnist:PATH, cifar10:PATH (default: built-in held-out images); or give image files as arguments"),
                Options.Spec.value("count", defaultCount, "how many images (built-in: generated; files: at most, 0 = all)"),
                Options.Spec.value("image-size", null, "image side in pixels (default: the checkpoint's training size, or a taming model's resolution)"),
                Options.Spec.value("seed", null, "seed of built-in images (default: the held-out seed of the checkpoint's run)"),
                Options.Spec.flag("skip-bad-files", "image folders: leave undecodable files out with a warning (default: the first one is an error)"));
    }

    static Loaded from(Options options) {
        String checkpoint = options.string("checkpoint"), config = options.string("config");
        if (checkpoint == null) throw new UsageException("--checkpoint is required (a run or checkpoint directory, or a weights file)");
        return from(checkpoint, config);
    }

    /** A tokenizer from a run, checkpoint, taming directory or weights file, with its config when it is not beside the weights. */
    static Loaded from(String checkpoint, String config) {
        Path path = Path.of(checkpoint);
        try {
            ImageTokenizer model = config == null ? ImageTokenizer.load(path) : ImageTokenizer.load(Path.of(config), path);
            return new Loaded(path, model, config == null ? trainConfigOf(path) : null);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The train config of a vq4j run or checkpoint, or null. */
    private static TrainConfig trainConfigOf(Path path) {
        if (!Files.isDirectory(path) || Files.isRegularFile(path.resolve("model.yaml")) && !Files.isRegularFile(path.resolve(Checkpoints.CONFIG))) return null;
        return Checkpoints.info(path).train();
    }

    int defaultImageSize() {
        if (train != null) return train.imageSize();
        if (model instanceof VqganModel v) return v.config().resolution();
        return TrainConfig.defaults().imageSize();
    }

    /** The images to work on: files given as arguments (all one size), else the --data source. */
    ImageDataset images(Options options, List<String> files) {
        if (!files.isEmpty()) {
            if (options.string("data") != null) throw new UsageException("give images either as files or with --data, not both");
            return new FileImages(readFiles(files));
        }
        TrainConfig t = train != null ? train : TrainConfig.defaults();
        int size = options.string("image-size") != null ? options.integer("image-size") : defaultImageSize();
        long seed = options.string("seed") != null ? options.integer("seed") : DataSources.heldOutSeed(t.seed());
        String data = options.string("data") != null ? options.string("data") : "builtin";
        int count = options.integer("count");
        if (count < 0) throw new UsageException("--count must be >= 0, got " + count);
        ImageDataset d;
        try {
            d = DataSources.open(data, size, count, seed, false, options.flag("skip-bad-files"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        check(d.channels(), d.height(), d.width(), d.describe());
        return d;
    }

    /** PNG/JPEG files → [N, C, H, W] in [0, 1]; one size, fitting the model. */
    Tensor readFiles(List<String> files) {
        List<Tensor> images = new ArrayList<>();
        for (String f : files) {
            Tensor img;
            try {
                img = Images.read(Path.of(f), model.imageChannels());
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new UsageException(e.getMessage());
            }
            if (!images.isEmpty() && !Arrays.equals(images.getFirst().shape(), img.shape()))
                throw new UsageException(f + " is " + img.size(2) + "x" + img.size(1) + " px, " + files.getFirst() + " is "
                        + images.getFirst().size(2) + "x" + images.getFirst().size(1) + "; give images of one size");
            check(model.imageChannels(), img.size(1), img.size(2), f);
            images.add(img.unsqueeze(0));
        }
        return Shaping.cat(images, 0);
    }

    private void check(int channels, int height, int width, String what) {
        if (channels != model.imageChannels())
            throw new UsageException("the images (" + what + ") have " + channels + " channels, the " + model.modelType() + " expects " + model.imageChannels());
        try {
            model.codeGridShape(height, width);
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + ": " + e.getMessage());
        }
    }

    static int[] range(int from, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = from + i;
        return idx;
    }

    /** Image files as a dataset. */
    private record FileImages(Tensor images) implements ImageDataset {
        @Override public int size() { return images.size(0); }
        @Override public int channels() { return images.size(1); }
        @Override public int height() { return images.size(2); }
        @Override public int width() { return images.size(3); }
        @Override public Tensor batch(int[] indices) {
            List<Tensor> out = new ArrayList<>();
            for (int i : indices) out.add(images.narrow(0, i, 1));
            return Shaping.cat(out, 0);
        }
        @Override public String describe() { return size() + " image file(s) of " + width() + "x" + height() + " px"; }
    }
}
