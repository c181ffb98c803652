package dev.vq4j.models.data;

import java.nio.file.Path;

/**
 * MNIST-style IDX files (LeCun et al., http://yann.lecun.com/exdb/mnist/): an images file
 * ({@code 00 00 08 03}, then big-endian count, rows, cols, then count·rows·cols unsigned bytes) and
 * an optional labels file ({@code 00 00 08 01}, count, then count bytes). Either may be gzipped
 * (detected from the content, not the name). Fashion-MNIST and EMNIST use the same format.
 */
public final class MnistIdx {
    static final int IMAGES_MAGIC = 0x00000803, LABELS_MAGIC = 0x00000801;

    private MnistIdx() {}

    /** Reads images and, when {@code labelsFile} is non-null, their labels, as [1, rows, cols] images. */
    public static ByteImages read(Path imagesFile, Path labelsFile) {
        byte[] img = DataFiles.readMaybeGzipped(imagesFile, "MNIST images file");
        String where = "MNIST images file " + imagesFile;
        if (img.length < 4) throw new IllegalArgumentException(where + ": " + img.length + " bytes, too short for the 16-byte IDX header");
        int magic = DataFiles.bigEndianInt(img, 0);
        if (magic != IMAGES_MAGIC)
            throw new IllegalArgumentException(where + ": bad magic number 0x" + hex(magic) + " at offset 0, expected 0x"
                    + hex(IMAGES_MAGIC) + " (unsigned bytes, 3 dimensions)" + (magic == LABELS_MAGIC ? "; this looks like a labels file" : ""));
        if (img.length < 16) throw new IllegalArgumentException(where + ": " + img.length + " bytes, too short for the 16-byte IDX header");
        int n = DataFiles.bigEndianInt(img, 4), rows = DataFiles.bigEndianInt(img, 8), cols = DataFiles.bigEndianInt(img, 12);
        if (n < 1 || rows < 1 || cols < 1)
            throw new IllegalArgumentException(where + ": header at offset 4 gives " + n + " images of " + rows + "x" + cols + ", expected positive sizes");
        long expected = 16L + (long) n * rows * cols;
        if (img.length != expected)
            throw new IllegalArgumentException(where + ": header promises " + n + " images of " + rows + "x" + cols + " = " + expected
                    + " bytes, file has " + img.length + (img.length < expected ? " (truncated)" : " (trailing bytes)"));
        if (expected - 16 > Integer.MAX_VALUE - 16) throw new IllegalArgumentException(where + ": too large (" + expected + " bytes)");
        byte[] pixels = java.util.Arrays.copyOfRange(img, 16, (int) expected);
        int[] labels = labelsFile == null ? null : readLabels(labelsFile, n);
        ByteImages images = new ByteImages(pixels, n, 1, rows, cols, labels, "MNIST " + imagesFile.getFileName());
        return labels == null ? images : images.withClassNames(java.util.List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }

    /** Reads an IDX labels file, which must hold {@code expectedCount} labels. */
    static int[] readLabels(Path file, int expectedCount) {
        byte[] b = DataFiles.readMaybeGzipped(file, "MNIST labels file");
        String where = "MNIST labels file " + file;
        if (b.length < 4) throw new IllegalArgumentException(where + ": " + b.length + " bytes, too short for the 8-byte IDX header");
        int magic = DataFiles.bigEndianInt(b, 0);
        if (magic != LABELS_MAGIC)
            throw new IllegalArgumentException(where + ": bad magic number 0x" + hex(magic) + " at offset 0, expected 0x"
                    + hex(LABELS_MAGIC) + " (unsigned bytes, 1 dimension)" + (magic == IMAGES_MAGIC ? "; this looks like an images file" : ""));
        if (b.length < 8) throw new IllegalArgumentException(where + ": " + b.length + " bytes, too short for the 8-byte IDX header");
        int n = DataFiles.bigEndianInt(b, 4);
        if (n != expectedCount)
            throw new IllegalArgumentException(where + ": header at offset 4 gives " + n + " labels, but the images file has " + expectedCount + " images");
        if (b.length != 8L + n)
            throw new IllegalArgumentException(where + ": header promises " + n + " labels = " + (8L + n) + " bytes, file has " + b.length
                    + (b.length < 8L + n ? " (truncated)" : " (trailing bytes)"));
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = b[8 + i] & 255;
        return labels;
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
