package dev.vq4j.models.data;

import dev.vq4j.models.train.TrainConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns a {@code --data} value into a dataset; the one place to wire a new source. Bad values and
 * unreadable sources are {@link IllegalArgumentException}s whose message names the value and the file.
 * <ul>
 *   <li>{@code builtin}: generated images ({@link ProceduralImages}); held-out images use another seed.
 *       {@code builtin:single}: the plainer set of one shape on a flat background.</li>
 *   <li>{@code folder:PATH}: every PNG/JPEG under PATH ({@link ImageFolderDataset}), resized so the shorter
 *       side is the image size; training takes random crops and flips, evaluation the centre. Training
 *       holds out the last eval_images files (sorted by path) for evaluation.</li>
 *   <li>{@code mnist:PATH}: a directory with {@code train-images-idx3-ubyte[.gz]} (training) and
 *       {@code t10k-images-idx3-ubyte[.gz]} (held out), or one IDX images file whose last eval_images
 *       images are held out. 28×28 grey; the image size is not used.</li>
 *   <li>{@code cifar10:PATH}: a {@code cifar-10-batches-bin} directory ({@code data_batch_*.bin} for
 *       training, {@code test_batch.bin} held out), or one batch file split as for MNIST. 32×32 RGB.</li>
 * </ul>
 */
public final class DataSources {
    private DataSources() {}

    private static final String KINDS = "builtin, builtin:single, folder:PATH, mnist:PATH or cifar10:PATH";

    /** Built-in held-out images come from another seed than the training images. */
    public static long heldOutSeed(long seed) {
        return seed ^ 0x0E7A1_5EEDL;
    }

    /** The training images a train config names. */
    public static ImageDataset train(TrainConfig t) {
        return split(t, true);
    }

    /** The held-out images a train config names; null when eval_images is 0. */
    public static ImageDataset heldOut(TrainConfig t) {
        return t.evalImages() == 0 ? null : split(t, false);
    }

    private static ImageDataset split(TrainConfig t, boolean train) {
        Source s = Source.parse(t.data());
        int held = t.evalImages();
        switch (s.kind()) {
            case "builtin" -> {
                return open(t.data(), t.imageSize(), train ? t.trainImages() : held, train ? t.seed() : heldOutSeed(t.seed()), train, false);
            }
            case "folder" -> {
                ImageFolderDataset.Options o = ImageFolderDataset.Options.defaults().withSkipUnreadable(t.skipBadFiles()).withSeed(t.seed() ^ 0xC0FFEEL);
                if (train) o = o.withCrop(ImageFolderDataset.Crop.RANDOM).withFlip(true);
                return holdOutTail(folder(s, t.imageSize(), o), held, train);
            }
            case "mnist" -> {
                if (Files.isDirectory(s.path())) {
                    Path file = findFile(s, train ? "train-images" : "t10k-images", "idx3-ubyte");
                    return first(wrap(s, () -> MnistIdx.read(file, null)), train ? 0 : held, "held-out");
                }
                return holdOutTail(wrap(s, () -> MnistIdx.read(s.path(), null)), held, train);
            }
            case "cifar10" -> {
                if (Files.isDirectory(s.path())) return first(wrap(s, () -> Cifar10.readDirectory(s.path(), train)), train ? 0 : held, "held-out");
                return holdOutTail(wrap(s, () -> Cifar10.read(List.of(s.path()))), held, train);
            }
            default -> throw new IllegalStateException(s.kind());
        }
    }

    /**
     * Images for the inference commands (encode, reconstruct, eval).
     *
     * @param count for generated data: how many images; for files: at most this many (0 = all)
     * @param train whether these are training images (random crops and flips where the source supports them)
     */
    public static ImageDataset open(String spec, int imageSize, int count, long seed, boolean train, boolean skipBadFiles) {
        Source s = Source.parse(spec);
        return switch (s.kind()) {
            case "builtin" -> {
                if (count < 1) throw new IllegalArgumentException("built-in data needs a positive image count, got " + count);
                if (imageSize < 8) throw new IllegalArgumentException("built-in images need --image-size >= 8, got " + imageSize);
                yield new ProceduralImages(seed, count, imageSize, s.style());
            }
            case "folder" -> {
                ImageFolderDataset.Options o = ImageFolderDataset.Options.defaults().withSkipUnreadable(skipBadFiles).withSeed(seed);
                if (train) o = o.withCrop(ImageFolderDataset.Crop.RANDOM).withFlip(true);
                yield first(folder(s, imageSize, o), count, "first");
            }
            case "mnist" -> {
                Path file = Files.isDirectory(s.path()) ? findFile(s, "t10k-images", "idx3-ubyte") : s.path();
                yield first(wrap(s, () -> MnistIdx.read(file, null)), count, "first");
            }
            case "cifar10" -> first(wrap(s, () -> Files.isDirectory(s.path()) ? Cifar10.readDirectory(s.path(), false) : Cifar10.read(List.of(s.path()))), count, "first");
            default -> throw new IllegalStateException(s.kind());
        };
    }

    /** A parsed {@code --data} value; PATH exists. */
    private record Source(String spec, String kind, Path path) {
        /** The built-in style ({@code builtin:single}); the path slot holds no path for built-in data. */
        ProceduralImages.Style style() {
            return spec.equals("builtin:single") ? ProceduralImages.Style.SINGLE : ProceduralImages.Style.SCENES;
        }

        static Source parse(String spec) {
            if (spec == null || spec.isBlank()) throw new IllegalArgumentException("--data needs a value: " + KINDS);
            int colon = spec.indexOf(':');
            String kind = colon < 0 ? spec : spec.substring(0, colon), path = colon < 0 ? null : spec.substring(colon + 1);
            switch (kind) {
                case "builtin" -> {
                    if (path != null && !path.equals("single"))
                        throw new IllegalArgumentException("--data builtin takes no path: builtin (scenes) or builtin:single (one shape on a flat background), got '" + spec + "'");
                    return new Source(spec, kind, null);
                }
                case "folder", "mnist", "cifar10" -> {
                    if (path == null || path.isBlank()) throw new IllegalArgumentException("--data " + kind + ":PATH needs a path after the colon");
                    Path p = Path.of(path);
                    if (!Files.exists(p)) throw new IllegalArgumentException("--data " + spec + ": " + path + " does not exist");
                    if (kind.equals("folder") && !Files.isDirectory(p)) throw new IllegalArgumentException("--data " + spec + ": " + path + " is not a directory");
                    return new Source(spec, kind, p);
                }
                default -> throw new IllegalArgumentException("unknown --data '" + spec + "' (expected " + KINDS + ")");
            }
        }
    }

    private interface Reader {
        ImageDataset read();
    }

    /** Reader errors (bad headers, unreadable files) become one-line usage errors naming the file. */
    private static ImageDataset wrap(Source s, Reader r) {
        try {
            return r.read();
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("--data " + s.spec() + ": " + e.getMessage());
        }
    }

    private static ImageDataset folder(Source s, int size, ImageFolderDataset.Options o) {
        return wrap(s, () -> new ImageFolderDataset(s.path(), size, o));
    }

    /** The one file in the directory whose name starts with prefix and contains marker (e.g. train-images-idx3-ubyte.gz). */
    private static Path findFile(Source s, String prefix, String marker) {
        try (Stream<Path> files = Files.list(s.path())) {
            List<Path> found = files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.contains(marker);
            }).sorted().toList();
            if (found.isEmpty()) throw new IllegalArgumentException("--data " + s.spec() + ": no " + prefix + "-" + marker + "[.gz] file in " + s.path());
            return found.getFirst();
        } catch (IOException e) {
            throw new IllegalArgumentException("--data " + s.spec() + ": cannot list " + s.path() + " (" + e.getMessage() + ")");
        }
    }

    /** The first count images (0 or more than there are: all). */
    private static ImageDataset first(ImageDataset d, int count, String label) {
        return count <= 0 || count >= d.size() ? d : new Subset(d, 0, count, label);
    }

    /** Training: all but the last {@code held} images; held out: those last images. */
    private static ImageDataset holdOutTail(ImageDataset d, int held, boolean train) {
        if (held == 0) return d; // nothing held out: train on everything (the held-out side is not opened)
        if (held >= d.size())
            throw new IllegalArgumentException(d.describe() + " has " + d.size() + " images; holding out --eval-images " + held + " leaves none to train on");
        return train ? new Subset(d, 0, d.size() - held, "training") : new Subset(d, d.size() - held, held, "held-out");
    }
}
