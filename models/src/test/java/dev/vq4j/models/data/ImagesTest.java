package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class ImagesTest {
    @TempDir
    Path dir;

    @Test
    void rgbPngRoundTripIsExactAtEightBits() throws Exception {
        float[] px = new float[3 * 5 * 7];
        for (int i = 0; i < px.length; i++) px[i] = ((i * 37) % 256) / 255f;
        Path f = dir.resolve("sub/a.png");
        Images.writePng(f, Tensor.of(px, 1, 3, 5, 7));
        BufferedImage img = ImageIO.read(f.toFile());
        assertEquals(7, img.getWidth());
        assertEquals(5, img.getHeight());
        Tensor back = Images.read(f);
        assertArrayEquals(new int[] {3, 5, 7}, back.shape());
        assertArrayEquals(px, back.toFloatArray(), 1e-6f);
        // channel layout: pixel (y=1, x=2) green is px[plane + 1*7 + 2]
        int rgb = img.getRGB(2, 1);
        assertEquals(Math.round(px[35 + 9] * 255), (rgb >> 8) & 255);
        try (var s = Files.list(f.getParent())) {
            assertEquals(1, s.count(), "no temp file left behind");
        }
    }

    @Test
    void greyRoundTripAndClamping() {
        float[] px = {-0.5f, 0f, 0.5f, 1f, 2f, Float.NaN};
        Path f = dir.resolve("g.png");
        Images.writePng(f, Tensor.of(px, 1, 2, 3));
        Tensor back = Images.read(f);
        assertArrayEquals(new int[] {1, 2, 3}, back.shape());
        assertArrayEquals(new float[] {0f, 0f, 128 / 255f, 1f, 1f, 0f}, back.toFloatArray(), 1e-6f);
        assertArrayEquals(new int[] {3, 2, 3}, Images.read(f, 3).shape());
    }

    @Test
    void clearErrors() {
        var e = assertThrows(UncheckedIOException.class, () -> Images.read(dir.resolve("missing.png")));
        assertTrue(e.getMessage().contains("missing.png") && e.getMessage().contains("no such file"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Images.writePng(dir.resolve("x.png"), Tensor.zeros(2, 4, 4)));
        assertTrue(e2.getMessage().contains("[2, 4, 4]"), e2.getMessage());
    }

    @Test
    void corruptFileNamed() throws Exception {
        Path f = dir.resolve("bad.png");
        Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        var e = assertThrows(UncheckedIOException.class, () -> Images.read(f));
        assertTrue(e.getMessage().contains("bad.png"), e.getMessage());
    }

    @Test
    void resizeAreaAndBilinear() {
        // 4 -> 2 by area averages pairs
        float[] row = {0, 1, 2, 3};
        assertArrayEquals(new float[] {0.5f, 2.5f}, Resize.resize(row, 1, 1, 4, 1, 2), 1e-6f);
        // 4 -> 3 by area: spans of 4/3 input pixels
        assertArrayEquals(new float[] {0.25f, 1.5f, 2.75f}, Resize.resize(row, 1, 1, 4, 1, 3), 1e-6f);
        // 2 -> 4 bilinear with half-pixel centres (PyTorch align_corners=False): 0, .25, .75, 1
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f}, Resize.resize(new float[] {0, 1}, 1, 1, 2, 1, 4), 1e-6f);
        // a constant image stays constant in both directions
        float[] c = new float[2 * 5 * 9];
        java.util.Arrays.fill(c, 0.3f);
        for (float v : Resize.resize(c, 2, 5, 9, 7, 4)) assertEquals(0.3f, v, 1e-6f);
        assertArrayEquals(new int[] {32, 48}, Resize.shorterSideTo(64, 96, 32));
        assertArrayEquals(new int[] {43, 32}, Resize.shorterSideTo(40, 30, 32));
    }
}
