package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes [C, H, W] tensors in [0, 1] (C = 1 or 3; values clamped) as PNG files. */
final class ImageFiles {
    private ImageFiles() {}

    /**
     * Writes images [N, C, H, W] in [0, 1] as {@code dir/image-0000.png ...} and prints one line
     * saying so; a directory that cannot be written is the user's error.
     */
    static void writeDecoded(Tensor images, Path dir, java.io.PrintStream out) {
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < images.size(0); i++) writePng(dir.resolve(String.format("image-%04d.png", i)), images.select(0, i));
        } catch (IOException e) {
            throw new UsageException("cannot write to --out " + dir + ": " + e.getMessage());
        }
        out.printf("decoded %d image(s) of %dx%d px -> %s/image-0000.png ...%n", images.size(0), images.size(3), images.size(2), dir);
    }

    static void writePng(Path path, Tensor image) throws IOException {
        if (image.dim() != 3 || (image.size(0) != 1 && image.size(0) != 3))
            throw new IllegalArgumentException("PNG: expected an image [C, H, W] with C = 1 or 3, got " + image.shapeString());
        int c = image.size(0), h = image.size(1), w = image.size(2);
        float[] px = image.contiguous().toFloatArray();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int r = byteOf(px[y * w + x]);
                int g = c == 3 ? byteOf(px[(h + y) * w + x]) : r, b = c == 3 ? byteOf(px[(2 * h + y) * w + x]) : r;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(img, "png", path.toFile())) throw new IOException("no PNG writer available");
    }

    private static int byteOf(float v) {
        return Math.round(Math.min(1f, Math.max(0f, Float.isNaN(v) ? 0f : v)) * 255f);
    }
}
