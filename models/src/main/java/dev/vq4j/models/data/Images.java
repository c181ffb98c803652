package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Image files ⇄ tensors: read a PNG/JPEG (anything ImageIO decodes) to a [C, H, W] float tensor in
 * [0, 1]; write a [C, H, W] or [1, C, H, W] tensor (C = 1 or 3, values clamped to [0, 1]) to a PNG,
 * atomically (temp file, fsync, rename). Runs headless.
 */
public final class Images {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Images() {}

    /** Reads an image; greyscale files give C = 1, everything else C = 3 (alpha is dropped). */
    public static Tensor read(Path file) {
        BufferedImage img = decode(file);
        int c = isGrey(img) ? 1 : 3;
        return Tensor.of(toFloats(img, c), c, img.getHeight(), img.getWidth());
    }

    /** Reads an image with the given channel count (1: luma, 3: RGB; grey files are repeated to RGB). */
    public static Tensor read(Path file, int channels) {
        checkChannels("Images.read", channels);
        BufferedImage img = decode(file);
        return Tensor.of(toFloats(img, channels), channels, img.getHeight(), img.getWidth());
    }

    /** Decodes with ImageIO; a missing, unreadable or undecodable file is an {@link IOException}-backed error naming it. */
    public static BufferedImage decode(Path file) {
        try {
            return decodeOrThrow(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Most pixels one image may have, decoded or after a resize: {@code -Dvq4j.maxImagePixels=N}, else a
     * 64th of the maximum heap in pixels (a decoded pixel plus its float copy take about 16 bytes), at
     * most 2^28. A 1 MB PNG can declare 20000×20000 pixels; its size is checked from the header, before
     * anything is decoded.
     */
    public static long maxPixels() {
        String s = System.getProperty("vq4j.maxImagePixels");
        if (s != null && !s.isBlank()) {
            try {
                long v = Long.parseLong(s.strip());
                if (v >= 1) return v;
            } catch (NumberFormatException ignored) {
                // fall through to the default
            }
            throw new IllegalArgumentException("-Dvq4j.maxImagePixels must be a positive integer, got '" + s + "'");
        }
        return Math.min(1L << 28, Runtime.getRuntime().maxMemory() / 64);
    }

    /**
     * Refuses h×w pixels beyond {@link #maxPixels}: an {@link IllegalArgumentException} whose message is
     * {@code subject + " " + w + "x" + h + " = N pixels, more than the limit of L (-Dvq4j.maxImagePixels=N to change it)"}.
     */
    public static void checkPixels(String subject, long h, long w) {
        long limit = maxPixels();
        if (h * w > limit)
            throw new IllegalArgumentException(subject + " " + w + "x" + h + " = " + h * w + " pixels, more than the limit of " + limit
                    + " (-Dvq4j.maxImagePixels=N to change it)");
    }

    /** {@link #checkPixels(String, long, long)} for an image file, as the IOException the readers expect ("image FILE: declares ..."). */
    static void checkPixels(Path file, String what, long h, long w) throws IOException {
        try {
            checkPixels("image " + file + ": " + what, h, w);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Like {@link #decode} but with a checked exception whose message names the file and the problem.
     * The size is read from the header and checked against {@link #maxPixels} before decoding, and a
     * decoder warning (a JPEG cut short decodes with its missing part grey) makes the file corrupt.
     */
    static BufferedImage decodeOrThrow(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("image " + file + ": no such file");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException("image " + file + ": cannot open");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IOException("image " + file + ": not a PNG/JPEG/BMP/GIF image ImageIO can read");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkPixels(file, "declares", reader.getHeight(0), reader.getWidth(0));
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage img = reader.read(0);
                if (!warnings.isEmpty()) throw new IOException("image " + file + ": corrupt (" + warnings.getFirst() + ")");
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("image " + file)) throw e;
            throw new IOException("image " + file + ": cannot decode (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw new IOException("image " + file + ": cannot decode (" + e.getMessage() + ")", e);
        }
    }

    /** A decoded image as a [C, H, W] tensor in [0, 1] (1: luma, 3: RGB; grey images repeated to RGB). */
    public static Tensor fromImage(BufferedImage img, int channels) {
        checkChannels("Images.fromImage", channels);
        return Tensor.of(toFloats(img, channels), channels, img.getHeight(), img.getWidth());
    }

    static boolean isGrey(BufferedImage img) {
        return img.getColorModel().getNumColorComponents() == 1;
    }

    /** Planar [C, H, W] floats in [0, 1]; C = 1 gives luma (BT.601) for colour images. */
    static float[] toFloats(BufferedImage img, int channels) {
        int h = img.getHeight(), w = img.getWidth();
        float[] out = new float[channels * h * w];
        if (isGrey(img) && img.getRaster().getNumBands() >= 1) {
            // read grey samples directly: getRGB would push them through an sRGB conversion
            Raster r = img.getRaster();
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    float v = r.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) out[(c * h + y) * w + x] = v;
                }
            return out;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                float r = ((p >> 16) & 255) / 255f, g = ((p >> 8) & 255) / 255f, b = (p & 255) / 255f;
                if (channels == 1) out[y * w + x] = 0.299f * r + 0.587f * g + 0.114f * b;
                else {
                    out[y * w + x] = r;
                    out[(h + y) * w + x] = g;
                    out[(2 * h + y) * w + x] = b;
                }
            }
        }
        return out;
    }

    /** A [C, H, W] or [1, C, H, W] tensor in [0, 1] (clamped; NaN → 0) as an 8-bit image. */
    public static BufferedImage toImage(Tensor image) {
        int[] s = image.shape();
        if (s.length == 4 && s[0] == 1) s = Arrays.copyOfRange(s, 1, 4);
        if (s.length != 3 || (s[0] != 1 && s[0] != 3))
            throw new IllegalArgumentException("Images.toImage: expected [C, H, W] or [1, C, H, W] with C = 1 or 3, got " + Arrays.toString(image.shape()));
        return toImage(image.toFloatArray(), 0, s[0], s[1], s[2]);
    }

    /** Planar floats [C, H, W] at {@code px[base ..]} as an 8-bit grey (C = 1) or RGB (C = 3) image. */
    public static BufferedImage toImage(float[] px, int base, int c, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        if (c == 1) {
            var raster = img.getRaster();
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) raster.setSample(x, y, 0, toByte(px[base + y * w + x]));
            return img;
        }
        int plane = h * w;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = base + y * w + x;
                img.setRGB(x, y, (toByte(px[i]) << 16) | (toByte(px[i + plane]) << 8) | toByte(px[i + 2 * plane]));
            }
        return img;
    }

    /** [0, 1] → 0..255, rounding to nearest, clamped; NaN → 0. */
    static int toByte(float v) {
        if (!(v > 0)) return 0;
        if (v >= 1) return 255;
        return Math.round(v * 255f);
    }

    /** Writes a [C, H, W] or [1, C, H, W] tensor in [0, 1] as a PNG, atomically. */
    public static void writePng(Path png, Tensor image) {
        writePng(png, toImage(image));
    }

    /** Writes an image as a PNG: to a temp file beside the target, fsync, then rename over it. */
    public static void writePng(Path png, BufferedImage img) {
        Path abs = png.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            if (dir != null) Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            readableByAll(tmp); // temp files start as owner-only; a picture is meant to be shared
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
                if (!ImageIO.write(img, "png", os)) throw new IOException("no PNG writer available");
                os.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PNG " + png + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the original error is more useful
                }
            }
        }
    }

    private static void readableByAll(Path p) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: keep its defaults
        }
    }

    static void checkChannels(String op, int channels) {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException(op + ": channels must be 1 or 3, got " + channels);
    }
}
