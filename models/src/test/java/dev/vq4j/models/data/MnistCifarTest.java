package dev.vq4j.models.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class MnistCifarTest {
    @TempDir
    Path dir;

    private static byte[] idxImages(int magic, int n, int rows, int cols, int dataBytes) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(magic);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < dataBytes; i++) out.writeByte(i * 7);
        return bos.toByteArray();
    }

    private static byte[] idxLabels(int n, int[] labels) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(0x801);
        out.writeInt(n);
        for (int l : labels) out.writeByte(l);
        return bos.toByteArray();
    }

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(b);
        }
        return bos.toByteArray();
    }

    @Test
    void mnistRoundTripPlainAndGzipped() throws Exception {
        Path img = Files.write(dir.resolve("train-images-idx3-ubyte"), idxImages(0x803, 3, 4, 5, 60));
        Path lab = Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idxLabels(3, new int[] {7, 0, 9})));
        ByteImages d = MnistIdx.read(img, lab);
        assertEquals(3, d.size());
        assertEquals(1, d.channels());
        assertEquals(4, d.height());
        assertEquals(5, d.width());
        assertArrayEquals(new int[] {7, 0, 9}, d.labels());
        float[] px = d.batch(new int[] {1}).toFloatArray();
        assertEquals(((20 * 7) & 255) / 255f, px[0], 0f); // image 1 starts at data byte 20
        assertEquals(((39 * 7) & 255) / 255f, px[19], 0f);
        assertArrayEquals(new long[] {9, 7}, d.labelBatch(new int[] {2, 0}).toLongArray());

        Path gz = Files.write(dir.resolve("imgs.gz"), gzip(idxImages(0x803, 3, 4, 5, 60)));
        assertArrayEquals(d.batch(new int[] {0, 1, 2}).toFloatArray(), MnistIdx.read(gz, null).batch(new int[] {0, 1, 2}).toFloatArray());
        assertNull(MnistIdx.read(gz, null).labels());
    }

    @Test
    void mnistErrorsNameFileAndProblem() throws Exception {
        Path badMagic = Files.write(dir.resolve("bad-magic"), idxImages(0x804, 1, 2, 2, 4));
        var e = assertThrows(IllegalArgumentException.class, () -> MnistIdx.read(badMagic, null));
        assertTrue(e.getMessage().contains("bad-magic") && e.getMessage().contains("0x00000804") && e.getMessage().contains("offset 0"), e.getMessage());

        Path labelsAsImages = Files.write(dir.resolve("labels-as-images"), idxLabels(2, new int[] {1, 2}));
        var e1 = assertThrows(IllegalArgumentException.class, () -> MnistIdx.read(labelsAsImages, null));
        assertTrue(e1.getMessage().contains("looks like a labels file"), e1.getMessage());

        Path truncated = Files.write(dir.resolve("truncated"), idxImages(0x803, 10, 28, 28, 100));
        var e2 = assertThrows(IllegalArgumentException.class, () -> MnistIdx.read(truncated, null));
        assertTrue(e2.getMessage().contains("truncated") && e2.getMessage().contains("7856") && e2.getMessage().contains("116"), e2.getMessage());

        Path tiny = Files.write(dir.resolve("tiny"), new byte[] {0, 0, 8});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MnistIdx.read(tiny, null)).getMessage().contains("too short"));

        Path img = Files.write(dir.resolve("ok"), idxImages(0x803, 3, 2, 2, 12));
        Path fewLabels = Files.write(dir.resolve("few-labels"), idxLabels(2, new int[] {1, 2}));
        var e3 = assertThrows(IllegalArgumentException.class, () -> MnistIdx.read(img, fewLabels));
        assertTrue(e3.getMessage().contains("few-labels") && e3.getMessage().contains("2 labels") && e3.getMessage().contains("3 images"), e3.getMessage());

        byte[] gz = gzip(idxImages(0x803, 3, 2, 2, 12));
        Path brokenGz = Files.write(dir.resolve("broken.gz"), java.util.Arrays.copyOf(gz, gz.length - 12));
        var e4 = assertThrows(IllegalArgumentException.class, () -> MnistIdx.read(brokenGz, null));
        assertTrue(e4.getMessage().contains("broken.gz") && e4.getMessage().contains("gzip"), e4.getMessage());

        var e5 = assertThrows(IllegalArgumentException.class, () -> MnistIdx.read(dir.resolve("absent"), null));
        assertTrue(e5.getMessage().contains("absent") && e5.getMessage().contains("no such file"), e5.getMessage());
    }

    private static byte[] cifar(int records, int firstLabel) {
        byte[] b = new byte[records * Cifar10.RECORD];
        for (int r = 0; r < records; r++) {
            b[r * Cifar10.RECORD] = (byte) ((firstLabel + r) % 10);
            for (int k = 0; k < 3072; k++) b[r * Cifar10.RECORD + 1 + k] = (byte) (k + r);
        }
        return b;
    }

    @Test
    void cifarRoundTripFromDirectory() throws Exception {
        Files.write(dir.resolve("data_batch_1.bin"), cifar(2, 3));
        Files.write(dir.resolve("data_batch_2.bin"), cifar(3, 8));
        Files.write(dir.resolve("test_batch.bin"), cifar(1, 0));
        ByteImages train = Cifar10.readDirectory(dir, true);
        assertEquals(5, train.size());
        assertArrayEquals(new int[] {3, 4, 8, 9, 0}, train.labels());
        assertArrayEquals(new int[] {1, 3, 32, 32}, train.batch(new int[] {0}).shape());
        float[] px = train.batch(new int[] {3}).toFloatArray(); // record 1 of batch 2: pixel k = (k + 1) & 255
        assertEquals(1 / 255f, px[0], 0f);
        assertEquals(((1024 + 1) & 255) / 255f, px[1024], 0f); // first green value
        assertEquals(((3071 + 1) & 255) / 255f, px[3071], 0f);
        assertEquals(1, Cifar10.readDirectory(dir, false).size());
    }

    @Test
    void cifarErrors() throws Exception {
        Path cut = Files.write(dir.resolve("data_batch_9.bin"), java.util.Arrays.copyOf(cifar(3, 0), 3 * 3073 - 5));
        var e = assertThrows(IllegalArgumentException.class, () -> Cifar10.read(List.of(cut)));
        assertTrue(e.getMessage().contains("data_batch_9.bin") && e.getMessage().contains("record 2") && e.getMessage().contains("offset 6146"), e.getMessage());

        byte[] b = cifar(3, 0);
        b[3073] = 42;
        Path badLabel = Files.write(dir.resolve("bad_label.bin"), b);
        var e2 = assertThrows(IllegalArgumentException.class, () -> Cifar10.read(List.of(badLabel)));
        assertTrue(e2.getMessage().contains("record 1 at offset 3073") && e2.getMessage().contains("label 42"), e2.getMessage());

        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cifar10.read(List.of(empty))).getMessage().contains("empty"));

        Path none = Files.createDirectories(dir.resolve("none"));
        var e3 = assertThrows(IllegalArgumentException.class, () -> Cifar10.readDirectory(none, true));
        assertTrue(e3.getMessage().contains("data_batch_*.bin"), e3.getMessage());
    }
}
