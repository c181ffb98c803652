package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import dev.vq4j.models.data.ImageDataset;

/** Test-local images: smooth colour gradients with a bright square, image i from (seed, i) only. */
public final class TestImages implements ImageDataset {
    private final long seed;
    private final int count, channels, size;

    public TestImages(long seed, int count, int channels, int size) {
        this.seed = seed;
        this.count = count;
        this.channels = channels;
        this.size = size;
    }

    @Override public int size() { return count; }
    @Override public int channels() { return channels; }
    @Override public int height() { return size; }
    @Override public int width() { return size; }
    @Override public String describe() { return count + " test images " + channels + "x" + size + "x" + size; }

    @Override
    public Tensor batch(int[] indices) {
        int per = channels * size * size;
        float[] px = new float[indices.length * per];
        for (int b = 0; b < indices.length; b++) {
            Rng r = new Rng(seed * 1_000_003L + indices[b]);
            float gx = r.nextFloat(), gy = r.nextFloat();
            int sx = (int) r.nextLong(size / 2), sy = (int) r.nextLong(size / 2);
            for (int c = 0; c < channels; c++) {
                float tint = r.nextFloat();
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++) {
                        float v = 0.5f * tint + 0.25f * (gx * x + gy * y) / size;
                        if (x >= sx && x < sx + size / 2 && y >= sy && y < sy + size / 2) v = 0.9f;
                        px[b * per + (c * size + y) * size + x] = v;
                    }
            }
        }
        return Tensor.of(px, indices.length, channels, size, size);
    }
}
