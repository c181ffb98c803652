package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.data.Images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes decoded images [N, C, H, W] in [0, 1] as numbered PNG files. */
final class ImageFiles {
    private ImageFiles() {}

    /**
     * Writes images [N, C, H, W] in [0, 1] as {@code dir/image-0000.png ...} and prints one line
     * saying so; a directory that cannot be written is the user's error.
     */
    static void writeDecoded(Tensor images, Path dir, java.io.PrintStream out) {
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < images.size(0); i++) Images.writePng(dir.resolve(String.format("image-%04d.png", i)), images.select(0, i));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UsageException("cannot write to --out " + dir + ": " + e.getMessage());
        }
        out.printf("decoded %d image(s) of %dx%d px -> %s/image-0000.png ...%n", images.size(0), images.size(3), images.size(2), dir);
    }
}
