package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;

/**
 * Same-sized 8-bit images held in memory, planar [N, C, H, W] bytes (0..255 maps to [0, 1]), with
 * optional integer labels: what the MNIST and CIFAR-10 readers return.
 */
public final class ByteImages implements ImageDataset {
    private final byte[] pixels;
    private final int count, channels, height, width;
    private final int[] labels;
    private java.util.List<String> classNames;
    private final String description;

    /** {@code labels} may be null; otherwise it has one entry per image. */
    public ByteImages(byte[] pixels, int count, int channels, int height, int width, int[] labels, String description) {
        if ((long) count * channels * height * width != pixels.length)
            throw new IllegalArgumentException("ByteImages: " + pixels.length + " bytes do not hold " + count + " images of "
                    + channels + "x" + height + "x" + width);
        if (labels != null && labels.length != count)
            throw new IllegalArgumentException("ByteImages: " + labels.length + " labels for " + count + " images");
        this.pixels = pixels;
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.labels = labels;
        this.description = description;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    /** Labels, one per image, or null when the source had none. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    public boolean hasLabels() {
        return labels != null;
    }

    @Override
    public java.util.List<String> classNames() {
        return classNames;
    }

    /** The same images with names for their labels (0 → names[0], ...). */
    public ByteImages withClassNames(java.util.List<String> names) {
        if (labels == null) throw new IllegalStateException(description + " has no labels to name");
        for (int l : labels)
            if (l < 0 || l >= names.size()) throw new IllegalArgumentException(description + ": label " + l + " is not one of the " + names.size() + " classes " + names);
        ByteImages named = new ByteImages(pixels, count, channels, height, width, labels, description);
        named.classNames = java.util.List.copyOf(names);
        return named;
    }

    @Override
    public Tensor labels(int[] indices) {
        return labelBatch(indices);
    }

    /** Labels at the given indices as an int64 tensor [B]. */
    public Tensor labelBatch(int[] indices) {
        if (labels == null) throw new IllegalStateException("labelBatch: " + description + " has no labels");
        long[] out = new long[indices.length];
        for (int b = 0; b < indices.length; b++) out[b] = labels[check(indices[b])];
        return Tensor.ofLongs(out, indices.length);
    }

    @Override
    public Tensor batch(int[] indices) {
        int plane = channels * height * width;
        float[] out = new float[indices.length * plane];
        for (int b = 0; b < indices.length; b++) {
            int from = check(indices[b]) * plane;
            for (int k = 0; k < plane; k++) out[b * plane + k] = (pixels[from + k] & 255) / 255f;
        }
        return Tensor.of(out, indices.length, channels, height, width);
    }

    private int check(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(description + ": index " + i + " out of range for " + count + " images");
        return i;
    }

    @Override
    public String describe() {
        return description + ": " + count + " images " + channels + "x" + height + "x" + width + (labels != null ? " with labels" : "");
    }
}
