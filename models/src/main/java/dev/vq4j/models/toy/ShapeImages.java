package dev.vq4j.models.toy;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

/**
 * A procedural image-classification set, deterministic from a seed: grey {@code size}×{@code size}
 * images of one of three shapes (a filled disc, a hollow square, a plus sign) at a random place and
 * scale, on a noisy background. Small enough to train on in seconds, hard enough that a model
 * which does not learn stays at chance (1/3).
 */
public final class ShapeImages {
    public static final String[] CLASSES = {"disc", "square", "plus"};

    private ShapeImages() {}

    /** A batch: images [n, 1, size, size] in [0, 1] and int64 labels [n]. */
    public record Batch(Tensor images, Tensor labels) {}

    public static Batch generate(Rng rng, int n, int size) {
        if (n < 1 || size < 8) throw new IllegalArgumentException("ShapeImages: need n >= 1 and size >= 8, got n=" + n + ", size=" + size);
        float[] pixels = new float[n * size * size];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            int label = (int) rng.nextLong(CLASSES.length);
            labels[i] = label;
            draw(rng, label, size, pixels, i * size * size);
        }
        return new Batch(Tensor.of(pixels, n, 1, size, size), Tensor.ofLongs(labels, n));
    }

    private static void draw(Rng rng, int label, int size, float[] px, int base) {
        float radius = size * (0.18f + 0.14f * rng.nextFloat());
        float cx = radius + (size - 2 * radius) * rng.nextFloat();
        float cy = radius + (size - 2 * radius) * rng.nextFloat();
        float ink = 0.7f + 0.3f * rng.nextFloat();
        float thickness = Math.max(1f, radius * 0.35f);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
                boolean on = switch (label) {
                    case 0 -> dx * dx + dy * dy <= radius * radius;
                    case 1 -> Math.max(Math.abs(dx), Math.abs(dy)) <= radius
                            && Math.max(Math.abs(dx), Math.abs(dy)) >= radius - thickness;
                    default -> (Math.abs(dx) <= thickness / 2 && Math.abs(dy) <= radius)
                            || (Math.abs(dy) <= thickness / 2 && Math.abs(dx) <= radius);
                };
                float noise = 0.1f * rng.nextFloat();
                px[base + y * size + x] = Math.min(1f, (on ? ink : 0f) + noise);
            }
        }
    }
}
