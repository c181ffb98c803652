package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every PNG/JPEG under a folder (recursively, sorted by path), as square {@code size}×{@code size}
 * images: each is decoded once, scaled so its shorter side is {@code size} (area averaging when
 * shrinking, bilinear when growing) and kept in memory as 8-bit; {@link #batch} then crops the
 * centre or a random window and optionally mirrors it at random.
 *
 * <p>Files that cannot be decoded are never ignored silently: with {@link Options#skipUnreadable}
 * they are left out and one warning line lists them all (also available from {@link #skipped()});
 * without it the first one is a fatal error naming its path.
 */
public final class ImageFolderDataset implements ImageDataset {
    public enum Crop { CENTER, RANDOM }

    /**
     * @param crop           where the square window is taken from the resized image
     * @param flip           mirror left-right with probability 1/2 (needs an Rng: {@code seed})
     * @param skipUnreadable skip undecodable files with a warning (true) or fail on the first (false)
     * @param channels       3 (RGB; grey files repeated) or 1 (luma)
     * @param seed           seeds the Rng for random crops and flips
     * @param warnings       where the warning line about skipped files goes
     */
    public record Options(Crop crop, boolean flip, boolean skipUnreadable, int channels, long seed, Consumer<String> warnings) {
        public Options {
            if (crop == null) throw new IllegalArgumentException("ImageFolderDataset: crop must be CENTER or RANDOM");
            Images.checkChannels("ImageFolderDataset", channels);
            if (warnings == null) warnings = System.err::println;
        }

        /** Centre crop, no flip, unreadable files fatal, RGB. */
        public static Options defaults() {
            return new Options(Crop.CENTER, false, false, 3, 0, null);
        }

        public Options withCrop(Crop c) { return new Options(c, flip, skipUnreadable, channels, seed, warnings); }
        public Options withFlip(boolean f) { return new Options(crop, f, skipUnreadable, channels, seed, warnings); }
        public Options withSkipUnreadable(boolean s) { return new Options(crop, flip, s, channels, seed, warnings); }
        public Options withChannels(int c) { return new Options(crop, flip, skipUnreadable, c, seed, warnings); }
        public Options withSeed(long s) { return new Options(crop, flip, skipUnreadable, channels, s, warnings); }
        public Options withWarnings(Consumer<String> w) { return new Options(crop, flip, skipUnreadable, channels, seed, w); }
    }

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private final Path dir;
    private final int size;
    private final Options options;
    private final List<Path> files = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private final List<byte[]> pixels = new ArrayList<>(); // [C, h, w] after the shorter-side resize
    private final List<int[]> dims = new ArrayList<>(); // {h, w}
    private Rng rng;

    public ImageFolderDataset(Path dir, int size) {
        this(dir, size, Options.defaults());
    }

    public ImageFolderDataset(Path dir, int size, Options options) {
        if (size < 1) throw new IllegalArgumentException("ImageFolderDataset: size must be positive, got " + size);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("image folder " + dir + ": no such directory");
        this.dir = dir;
        this.size = size;
        this.options = options;
        this.rng = new Rng(options.seed());
        List<Path> candidates;
        try (Stream<Path> walk = Files.walk(dir)) {
            candidates = walk.filter(Files::isRegularFile).filter(ImageFolderDataset::hasImageExtension).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("image folder " + dir + ": cannot list (" + e.getMessage() + ")", e);
        }
        if (candidates.isEmpty())
            throw new IllegalArgumentException("image folder " + dir + ": no .png, .jpg or .jpeg files found (searched recursively)");
        for (Path p : candidates) {
            BufferedImage img;
            try {
                img = Images.decodeOrThrow(p);
                int[] hw = Resize.shorterSideTo(img.getHeight(), img.getWidth(), size);
                Images.checkPixels(p, "resized to", hw[0], hw[1]); // a 1-pixel-high strip would grow to side × (side · width)
            } catch (IOException e) {
                if (!options.skipUnreadable())
                    throw new IllegalArgumentException(e.getMessage() + " (use the skip-unreadable option to leave such files out)", e);
                skipped.add(p.toString());
                continue;
            }
            load(p, img);
        }
        if (!skipped.isEmpty())
            options.warnings().accept("warning: skipped " + skipped.size() + " unreadable image file(s) in " + dir + ": " + String.join(", ", skipped));
        if (files.isEmpty())
            throw new IllegalArgumentException("image folder " + dir + ": none of the " + candidates.size() + " image files could be read");
    }

    private static boolean hasImageExtension(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    private void load(Path p, BufferedImage img) {
        int c = options.channels(), h = img.getHeight(), w = img.getWidth();
        int[] hw = Resize.shorterSideTo(h, w, size);
        float[] px = Resize.resize(Images.toFloats(img, c), c, h, w, hw[0], hw[1]);
        byte[] b = new byte[px.length];
        for (int i = 0; i < px.length; i++) b[i] = (byte) Images.toByte(px[i]);
        files.add(p);
        pixels.add(b);
        dims.add(hw);
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int channels() {
        return options.channels();
    }

    @Override
    public int height() {
        return size;
    }

    @Override
    public int width() {
        return size;
    }

    /** The files in index order. */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /** Paths of the files that could not be decoded and were left out (empty unless skipping). */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** State of the Rng behind random crops and flips, for checkpoints. */
    public long[] rngState() {
        return rng.state();
    }

    public void restoreRng(long[] state) {
        rng = Rng.restore(state);
    }

    @Override
    public Tensor batch(int[] indices) {
        int c = options.channels(), plane = c * size * size;
        float[] out = new float[indices.length * plane];
        for (int b = 0; b < indices.length; b++) {
            int i = indices[b];
            if (i < 0 || i >= files.size())
                throw new IndexOutOfBoundsException("image folder " + dir + ": index " + i + " out of range for " + files.size() + " images");
            int h = dims.get(i)[0], w = dims.get(i)[1];
            int top = (h - size) / 2, left = (w - size) / 2;
            if (options.crop() == Crop.RANDOM) {
                top = (int) rng.nextLong(h - size + 1);
                left = (int) rng.nextLong(w - size + 1);
            }
            boolean flip = options.flip() && rng.nextLong(2) == 1;
            byte[] src = pixels.get(i);
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++) {
                        int sx = flip ? left + size - 1 - x : left + x;
                        out[b * plane + (ch * size + y) * size + x] = (src[(ch * h + top + y) * w + sx] & 255) / 255f;
                    }
        }
        return Tensor.of(out, indices.length, c, size, size);
    }

    @Override
    public String describe() {
        return "image folder " + dir + ": " + files.size() + " images as " + options.channels() + "x" + size + "x" + size + " ("
                + options.crop().name().toLowerCase(Locale.ROOT) + " crop" + (options.flip() ? ", random flip" : "") + ")"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " unreadable skipped");
    }
}
