package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ProceduralImagesTest {
    @Test
    void imageDependsOnlyOnSeedAndIndex() {
        ProceduralImages a = new ProceduralImages(42, 100, 32), b = new ProceduralImages(42, 5000, 32);
        Tensor x = a.batch(new int[] {3, 7, 99});
        Tensor y = b.batch(new int[] {99, 3, 7});
        float[] xs = x.toFloatArray(), ys = y.toFloatArray();
        int plane = 3 * 32 * 32;
        assertArrayEquals(java.util.Arrays.copyOfRange(xs, 0, plane), java.util.Arrays.copyOfRange(ys, plane, 2 * plane));
        assertArrayEquals(java.util.Arrays.copyOfRange(xs, 2 * plane, 3 * plane), java.util.Arrays.copyOfRange(ys, 0, plane));
        assertArrayEquals(new int[] {3, 3, 32, 32}, x.shape());
        assertFalse(java.util.Arrays.equals(xs, new ProceduralImages(43, 100, 32).batch(new int[] {3, 7, 99}).toFloatArray()),
                "another seed gives other images");
    }

    @Test
    void valuesInUnitRangeAndImagesVary() {
        ProceduralImages d = new ProceduralImages(1, 64, 64);
        int[] idx = new int[64];
        for (int i = 0; i < 64; i++) idx[i] = i;
        float[] px = d.batch(idx).toFloatArray();
        for (float v : px) assertTrue(v >= 0f && v <= 1f, "value " + v);
        int plane = 3 * 64 * 64;
        // std across images at each pixel, averaged: near 0 if all images looked alike
        double stdSum = 0;
        for (int k = 0; k < plane; k++) {
            double s = 0, s2 = 0;
            for (int i = 0; i < 64; i++) {
                double v = px[i * plane + k];
                s += v;
                s2 += v * v;
            }
            double mean = s / 64;
            stdSum += Math.sqrt(Math.max(0, s2 / 64 - mean * mean));
        }
        assertTrue(stdSum / plane > 0.15, "mean per-pixel std across images " + stdSum / plane);
        // within an image there is structure too: neighbouring pixels differ somewhere, and not everywhere
        for (int i = 0; i < 64; i++) {
            double s = 0, s2 = 0;
            for (int k = 0; k < plane; k++) {
                s += px[i * plane + k];
                s2 += px[i * plane + k] * px[i * plane + k];
            }
            double std = Math.sqrt(s2 / plane - (s / plane) * (s / plane));
            assertTrue(std > 0.03, "image " + i + " is nearly flat: std " + std);
        }
    }

    @Test
    void fastEnough() {
        ProceduralImages d = new ProceduralImages(5, 1000, 32);
        int[] idx = new int[1000];
        for (int i = 0; i < 1000; i++) idx[i] = i;
        d.batch(idx); // warm up
        long t0 = System.nanoTime();
        d.batch(idx);
        double ms = (System.nanoTime() - t0) / 1e6;
        assertTrue(ms < 3000, "1000 images of 32px took " + ms + " ms");
    }

    @Test
    void rejectsBadArguments() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ProceduralImages(1, 0, 32)).getMessage().contains("count"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ProceduralImages(1, 10, 4)).getMessage().contains("size"));
        var e = assertThrows(IndexOutOfBoundsException.class, () -> new ProceduralImages(1, 10, 32).batch(new int[] {10}));
        assertTrue(e.getMessage().contains("index 10"), e.getMessage());
        assertTrue(new ProceduralImages(1, 10, 32).describe().contains("10"));
    }

    /** builtin:single: the same labels as the scenes; a flat palette background; one shape of that kind in the middle. */
    @Test
    void singleStyleDrawsOneShapeOfTheImagesKindOnAFlatBackground() {
        int n = 200, size = 32;
        ProceduralImages single = new ProceduralImages(9, n, size, ProceduralImages.Style.SINGLE), scenes = new ProceduralImages(9, n, size);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        long[] kinds = single.labels(idx).toLongArray();
        assertArrayEquals(scenes.labels(idx).toLongArray(), kinds, "the style changes the drawing, not the labels");
        float[] px = single.batch(idx).toFloatArray();
        int plane = size * size, seenKinds = 0;
        boolean[] seen = new boolean[4];
        for (int i = 0; i < n; i++) {
            int base = i * 3 * plane;
            float[] corner = {px[base], px[base + plane], px[base + 2 * plane]};
            int inked = 0;
            for (int k = 0; k < plane; k++)
                if (px[base + k] != corner[0] || px[base + plane + k] != corner[1] || px[base + 2 * plane + k] != corner[2]) inked++;
            assertTrue(inked > plane / 10 && inked < plane * 7 / 10, "image " + i + ": one large shape covers " + inked + " of " + plane + " pixels");
            // the centre pixel is the shape's ink for a disc, the background through a ring's hole
            int centre = (size / 2) * size + size / 2;
            boolean centreIsBackground = px[base + centre] == corner[0] && px[base + plane + centre] == corner[1] && px[base + 2 * plane + centre] == corner[2];
            if (kinds[i] == 0) assertFalse(centreIsBackground, "disc " + i + " has ink at its centre");
            if (kinds[i] == 1) assertTrue(centreIsBackground, "ring " + i + " has a hole at its centre");
            if (!seen[(int) kinds[i]]) seenKinds++;
            seen[(int) kinds[i]] = true;
        }
        assertEquals(4, seenKinds);
        assertTrue(single.describe().contains("single"), single.describe());
    }
}
