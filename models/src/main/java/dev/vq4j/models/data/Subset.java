package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;

/** The images {@code from} .. {@code from + count − 1} of another dataset (train/held-out splits of one source). */
public final class Subset implements ImageDataset {
    private final ImageDataset base;
    private final int from, count;
    private final String label;

    public Subset(ImageDataset base, int from, int count, String label) {
        if (from < 0 || count < 1 || from + count > base.size())
            throw new IllegalArgumentException("Subset: images " + from + ".." + (from + count - 1) + " are not within the " + base.size() + " of " + base.describe());
        this.base = base;
        this.from = from;
        this.count = count;
        this.label = label;
    }

    @Override public int size() { return count; }
    @Override public int channels() { return base.channels(); }
    @Override public int height() { return base.height(); }
    @Override public int width() { return base.width(); }

    @Override
    public Tensor batch(int[] indices) {
        return base.batch(shift(indices));
    }

    @Override
    public java.util.List<String> classNames() {
        return base.classNames();
    }

    @Override
    public Tensor labels(int[] indices) {
        return base.labels(shift(indices));
    }

    private int[] shift(int[] indices) {
        int[] shifted = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= count)
                throw new IndexOutOfBoundsException("Subset: index " + indices[i] + " out of range for " + count + " images of " + base.describe());
            shifted[i] = from + indices[i];
        }
        return shifted;
    }

    @Override
    public String describe() {
        return base.describe() + ", " + label + " images " + from + ".." + (from + count - 1);
    }

    @Override
    public long[] rngState() {
        return base.rngState();
    }

    @Override
    public void restoreRng(long[] state) {
        base.restoreRng(state);
    }
}
