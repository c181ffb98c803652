package dev.vq4j.cli;

import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.data.ProceduralImages;

/**
 * Turns a {@code --data} value into a dataset: {@code builtin} (generated images), {@code folder:PATH},
 * {@code mnist:PATH}, {@code cifar10:PATH}. The one place to wire a new source.
 */
final class DataSources {
    private DataSources() {}

    /** Built-in held-out images come from another seed than the training images. */
    static long heldOutSeed(long seed) {
        return seed ^ 0x0E7A1_5EEDL;
    }

    /**
     * @param count for generated data: how many images; for files: at most this many (0 = all)
     * @param train whether these are training images (random crops and flips where the source supports them)
     */
    static ImageDataset open(String spec, int imageSize, int count, long seed, boolean train) {
        if (spec == null || spec.isBlank()) throw new UsageException("--data needs a value: builtin, folder:PATH, mnist:PATH or cifar10:PATH");
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon), path = colon < 0 ? null : spec.substring(colon + 1);
        switch (kind) {
            case "builtin" -> {
                if (path != null) throw new UsageException("--data builtin takes no path, got '" + spec + "'");
                if (count < 1) throw new UsageException("built-in data needs a positive image count, got " + count);
                if (imageSize < 8) throw new UsageException("built-in images need --image-size >= 8, got " + imageSize);
                return new ProceduralImages(seed, count, imageSize);
            }
            case "folder", "mnist", "cifar10" -> {
                if (path == null || path.isBlank()) throw new UsageException("--data " + kind + ":PATH needs a path after the colon");
                if (!java.nio.file.Files.exists(java.nio.file.Path.of(path))) throw new UsageException("--data " + spec + ": " + path + " does not exist");
                // TODO(lead): wire ImageFolderDataset / MnistDataset / Cifar10Dataset here after the data branch is merged
                throw new UsageException("--data " + kind + ":PATH is not available in this build yet (only builtin)");
            }
            default -> throw new UsageException("unknown --data '" + spec + "' (expected builtin, folder:PATH, mnist:PATH or cifar10:PATH)");
        }
    }
}
