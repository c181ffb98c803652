package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.data.ImageFolderDataset.Crop;
import dev.vq4j.models.data.ImageFolderDataset.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ImageFolderDatasetTest {
    @TempDir
    Path dir;

    /** A w×h image whose red channel ramps left to right and green top to bottom. */
    private static BufferedImage ramp(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, ((x * 255 / (w - 1)) << 16) | ((y * 255 / (h - 1)) << 8) | 80);
        return img;
    }

    private void writeImages() throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        ImageIO.write(ramp(40, 20), "png", dir.resolve("wide.png").toFile());
        ImageIO.write(ramp(16, 48), "png", dir.resolve("a/tall.PNG").toFile());
        ImageIO.write(ramp(30, 30), "jpg", dir.resolve("a/b/square.jpg").toFile());
        Files.writeString(dir.resolve("notes.txt"), "ignored: not an image extension");
    }

    @Test
    void recursiveResizeAndCentreCrop() throws Exception {
        writeImages();
        ImageFolderDataset d = new ImageFolderDataset(dir, 16);
        assertEquals(3, d.size());
        assertEquals(List.of(dir.resolve("a/b/square.jpg"), dir.resolve("a/tall.PNG"), dir.resolve("wide.png")), d.files());
        Tensor t = d.batch(new int[] {0, 1, 2});
        assertArrayEquals(new int[] {3, 3, 16, 16}, t.shape());
        for (float v : t.toFloatArray()) assertTrue(v >= 0 && v <= 1);
        // wide.png 40x20 -> 32x16, centre crop keeps x in [8, 24): red ramps from ~0.25 to ~0.75, not 0..1
        float[] wide = d.batch(new int[] {2}).toFloatArray();
        assertEquals(0.26f, wide[0], 0.04f);
        assertEquals(0.73f, wide[15], 0.04f);
        // green still spans the full height
        assertEquals(0.03f, wide[256], 0.04f);
        assertEquals(0.97f, wide[256 + 15 * 16], 0.04f);
        assertTrue(d.describe().contains("3 images"));
    }

    @Test
    void randomCropAndFlipAreSeededAndResumable() throws Exception {
        writeImages();
        Options o = Options.defaults().withCrop(Crop.RANDOM).withFlip(true).withSeed(9);
        ImageFolderDataset a = new ImageFolderDataset(dir, 16, o), b = new ImageFolderDataset(dir, 16, o);
        int[] idx = {2, 2, 2, 2, 2, 2, 2, 2};
        long[] saved = a.rngState();
        float[] first = a.batch(idx).toFloatArray();
        assertArrayEquals(first, b.batch(idx).toFloatArray());
        // the 8 crops of the same wide image are not all identical
        boolean differ = false;
        for (int k = 0; k < 768 && !differ; k++) differ = first[k] != first[768 * 3 + k] || first[k] != first[768 * 5 + k];
        assertTrue(differ, "random crop/flip should vary");
        a.restoreRng(saved);
        assertArrayEquals(first, a.batch(idx).toFloatArray());
    }

    @Test
    void corruptFileSkippedWithWarningOrFatal() throws Exception {
        writeImages();
        Path bad = dir.resolve("a/broken.png");
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H'});
        Files.writeString(dir.resolve("empty.jpg"), "");

        var fatal = assertThrows(IllegalArgumentException.class, () -> new ImageFolderDataset(dir, 16));
        assertTrue(fatal.getMessage().contains("broken.png"), fatal.getMessage());

        List<String> warnings = new ArrayList<>();
        ImageFolderDataset d = new ImageFolderDataset(dir, 16, Options.defaults().withSkipUnreadable(true).withWarnings(warnings::add));
        assertEquals(3, d.size());
        assertEquals(2, d.skipped().size());
        assertEquals(1, warnings.size(), "one warning line");
        assertTrue(warnings.get(0).contains("broken.png") && warnings.get(0).contains("empty.jpg"), warnings.get(0));
        assertTrue(d.describe().contains("2 unreadable skipped"));
    }

    @Test
    void emptyOrMissingFolderIsAClearError() throws Exception {
        Files.writeString(dir.resolve("readme.txt"), "x");
        var e = assertThrows(IllegalArgumentException.class, () -> new ImageFolderDataset(dir, 16));
        assertTrue(e.getMessage().contains("no .png, .jpg or .jpeg files") && e.getMessage().contains(dir.toString()), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> new ImageFolderDataset(dir.resolve("nope"), 16));
        assertTrue(e2.getMessage().contains("no such directory"), e2.getMessage());
        Files.writeString(dir.resolve("bad.png"), "not a png");
        var e3 = assertThrows(IllegalArgumentException.class,
                () -> new ImageFolderDataset(dir, 16, Options.defaults().withSkipUnreadable(true).withWarnings(s -> {})));
        assertTrue(e3.getMessage().contains("none of the 1 image files"), e3.getMessage());
    }

    @Test
    void greyscaleOption() throws Exception {
        writeImages();
        ImageFolderDataset d = new ImageFolderDataset(dir, 8, Options.defaults().withChannels(1));
        assertArrayEquals(new int[] {2, 1, 8, 8}, d.batch(new int[] {0, 1}).shape());
    }
}
