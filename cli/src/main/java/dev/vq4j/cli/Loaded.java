package dev.vq4j.cli;

import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.vqvae.VqVae;

import java.nio.file.Path;
import java.util.List;

/** A model loaded from {@code --checkpoint}, and the images the inference commands read (shared options). */
record Loaded(Checkpoints.Info info, VqVae model) {

    static List<Options.Spec> checkpointOption() {
        return List.of(Options.Spec.value("checkpoint", null, "checkpoint directory or run directory (its newest checkpoint); required"));
    }

    static List<Options.Spec> dataOptions(String defaultCount) {
        return List.of(
                Options.Spec.value("data", null, "images: builtin, folder:PATH, mnist:PATH, cifar10:PATH (default: built-in held-out images)"),
                Options.Spec.value("count", defaultCount, "how many images (built-in: generated; files: at most, 0 = all)"),
                Options.Spec.value("image-size", null, "image side in pixels (default: the checkpoint's)"),
                Options.Spec.value("seed", null, "seed of built-in images (default: the held-out seed of the checkpoint's run)"),
                Options.Spec.flag("skip-bad-files", "image folders: leave undecodable files out with a warning (default: the first one is an error)"));
    }

    static Loaded from(Options options) {
        String dir = options.string("checkpoint");
        if (dir == null) throw new UsageException("--checkpoint DIR is required (a checkpoint or run directory written by vq4j train)");
        try {
            Path resolved = Checkpoints.resolve(Path.of(dir));
            Checkpoints.Info info = Checkpoints.info(resolved);
            return new Loaded(info, Checkpoints.loadModel(resolved));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    ImageDataset images(Options options) {
        TrainConfig t = info.train() != null ? info.train() : TrainConfig.defaults();
        int size = options.string("image-size") != null ? options.integer("image-size") : t.imageSize();
        long seed = options.string("seed") != null ? options.integer("seed") : DataSources.heldOutSeed(t.seed());
        String data = options.string("data") != null ? options.string("data") : "builtin";
        int count = options.integer("count");
        if (count < 0) throw new UsageException("--count must be >= 0, got " + count);
        ImageDataset d = DataSources.open(data, size, count, seed, false, options.flag("skip-bad-files"));
        if (d.channels() != model.config().imageChannels())
            throw new UsageException("the images have " + d.channels() + " channels, the checkpoint's model expects " + model.config().imageChannels());
        try {
            model.config().checkImageSize(d.height(), d.width());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return d;
    }

    static int[] range(int from, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = from + i;
        return idx;
    }
}
