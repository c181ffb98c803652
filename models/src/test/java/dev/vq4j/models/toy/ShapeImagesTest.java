package dev.vq4j.models.toy;

import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ShapeImagesTest {
    @Test
    void sameSeedSameImagesAndEveryClassAppears() {
        ShapeImages.Batch a = ShapeImages.generate(new Rng(7), 64, 16), b = ShapeImages.generate(new Rng(7), 64, 16);
        assertArrayEquals(a.images().toFloatArray(), b.images().toFloatArray());
        assertArrayEquals(a.labels().toLongArray(), b.labels().toLongArray());
        assertArrayEquals(new int[] {64, 1, 16, 16}, a.images().shape());
        int[] counts = new int[3];
        for (long l : a.labels().toLongArray()) counts[(int) l]++;
        for (int c : counts) assertTrue(c > 5, "class counts " + java.util.Arrays.toString(counts));
        float[] px = a.images().toFloatArray();
        for (float v : px) assertTrue(v >= 0f && v <= 1f);
    }

    @Test
    void differentSeedsDiffer() {
        assertFalse(java.util.Arrays.equals(ShapeImages.generate(new Rng(1), 8, 16).images().toFloatArray(),
                ShapeImages.generate(new Rng(2), 8, 16).images().toFloatArray()));
    }

    @Test
    void rejectsBadSizes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ShapeImages.generate(new Rng(1), 0, 16));
        assertTrue(e.getMessage().contains("n=0"));
    }
}
