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

    // ---- issue 17: amplification and silent corruption ---------------------------------------------

    /** A PNG whose header declares w×h but whose data is a few bytes: what a 1 MB "20000×20000" file is. */
    static byte[] pngDeclaring(int w, int h) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(t);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void aHugeDeclaredSizeIsRefusedFromTheHeaderBeforeDecoding(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bomb.png");
        Files.write(f, pngDeclaring(20_000, 20_000));
        assertTrue(Files.size(f) < 200);
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Images.read(f));
        assertTrue(e.getMessage().contains("bomb.png") && e.getMessage().contains("declares 20000x20000 = 400000000 pixels")
                && e.getMessage().contains("vq4j.maxImagePixels"), e.getMessage());
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 200L << 20, "grew the heap by " + ((after - before) >> 20) + " MiB");
    }

    @Test
    void aJpegCutShortIsCorruptNotHalfGrey(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB); // noise: the scan data is most of the file
        java.util.Random r = new java.util.Random(3);
        for (int y = 0; y < 256; y++) for (int x = 0; x < 256; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        Path whole = dir.resolve("whole.jpg"), cut = dir.resolve("cut.jpg");
        assertTrue(ImageIO.write(img, "jpg", whole.toFile()));
        byte[] b = Files.readAllBytes(whole);
        Files.write(cut, java.util.Arrays.copyOf(b, b.length / 2));
        assertEquals(256, Images.read(whole).size(2), "the whole file reads");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Images.read(cut));
        assertTrue(e.getMessage().contains("cut.jpg") && e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void aThinStripThatWouldGrowPastTheLimitWhenResizedIsRefused(@TempDir Path dir) throws Exception {
        String old = System.getProperty("vq4j.maxImagePixels");
        System.setProperty("vq4j.maxImagePixels", "1000000");
        try {
            Files.createDirectories(dir.resolve("imgs"));
            assertTrue(ImageIO.write(new BufferedImage(2000, 1, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("imgs/strip.png").toFile()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ImageFolderDataset(dir.resolve("imgs"), 32, ImageFolderDataset.Options.defaults()));
            assertTrue(e.getMessage().contains("strip.png") && e.getMessage().contains("resized to 64000x32"), e.getMessage());
            assertTrue(ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("imgs/ok.png").toFile()));
            ImageFolderDataset d = new ImageFolderDataset(dir.resolve("imgs"), 32, ImageFolderDataset.Options.defaults().withSkipUnreadable(true));
            assertEquals(1, d.size(), "with skipping, the strip is left out like any bad file");
        } finally {
            if (old == null) System.clearProperty("vq4j.maxImagePixels");
            else System.setProperty("vq4j.maxImagePixels", old);
        }
    }
}
