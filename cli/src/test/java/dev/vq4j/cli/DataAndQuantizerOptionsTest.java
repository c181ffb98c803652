package dev.vq4j.cli;

import dev.vq4j.models.data.Cifar10;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.vqvae.VqVaeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code vq4j train} on folder, MNIST and CIFAR-10 files, and the quantiser flags. */
class DataAndQuantizerOptionsTest {
    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8)); // the folder dataset warns on System.err
        try {
            int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    private static final String[] TINY = {"--steps", "2", "--batch", "2", "--hidden", "8", "--residual-channels", "4", "--residual-layers", "1",
            "--codebook-size", "8", "--code-dim", "4", "--warmup", "0"};

    private static Result train(Path out, String... more) {
        String[] args = new String[3 + TINY.length + more.length];
        args[0] = "train";
        args[1] = "--out";
        args[2] = out.toString();
        System.arraycopy(TINY, 0, args, 3, TINY.length);
        System.arraycopy(more, 0, args, 3 + TINY.length, more.length);
        return run(args);
    }

    private static void usageError(String expected, Result r) {
        assertEquals(2, r.status(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    }

    private static byte[] idx(int n, int rows, int cols) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(0x803);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < n * rows * cols; i++) out.writeByte(i * 7);
        return bos.toByteArray();
    }

    private static byte[] cifar(int records) {
        byte[] b = new byte[records * Cifar10.RECORD];
        for (int r = 0; r < records; r++) for (int k = 0; k < 3072; k++) b[r * Cifar10.RECORD + 1 + k] = (byte) (k * 3 + r);
        return b;
    }

    @Test
    void folderOfImagesTrainsAndBadFilesAreFatalUnlessSkipped(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("imgs/sub"));
        for (int i = 0; i < 6; i++) {
            BufferedImage img = new BufferedImage(12 + i, 10, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 10; y++) for (int x = 0; x < 12 + i; x++) img.setRGB(x, y, (x * 20 + i * 30) << 16 | (y * 25) << 8 | 90);
            ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
        }
        Files.writeString(dir.resolve("broken.png"), "not a png");
        String data = "folder:" + tmp.resolve("imgs");
        Result r = train(tmp.resolve("a"), "--data", data, "--image-size", "8", "--eval-images", "2");
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("broken.png"), r.err());

        r = train(tmp.resolve("b"), "--data", data, "--image-size", "8", "--eval-images", "2", "--skip-bad-files");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("image folder") && r.out().contains("training images 0..3"), r.out());
        assertTrue(r.out().contains("on 2 images"), r.out());
        assertTrue(r.err().contains("skipped 1 unreadable") && r.err().contains("broken.png"), r.err());
        // resume re-opens the folder with the same crops/flips generator state
        r = run("train", "--resume", tmp.resolve("b").toString(), "--steps", "3");
        assertEquals(0, r.status(), r.err());
        r = train(tmp.resolve("c"), "--data", data, "--image-size", "8", "--eval-images", "6", "--skip-bad-files");
        assertEquals(2, r.status());
        assertTrue(r.err().strip().endsWith("has 6 images; holding out --eval-images 6 leaves none to train on"), r.err()); // after the skip warning
    }

    @Test
    void mnistAndCifarFilesAndDirectories(@TempDir Path tmp) throws Exception {
        Path mnist = Files.createDirectories(tmp.resolve("mnist"));
        Files.write(mnist.resolve("train-images-idx3-ubyte"), idx(6, 28, 28));
        Files.write(mnist.resolve("t10k-images-idx3-ubyte"), idx(3, 28, 28));
        Result r = train(tmp.resolve("m"), "--data", "mnist:" + mnist, "--eval-images", "2");
        assertEquals(0, r.status(), r.err());
        assertEquals(1, Checkpoints.info(tmp.resolve("m")).vqvaeConfig().imageChannels(), "grey images make a 1-channel model");
        assertTrue(r.out().contains("on 2 images"), r.out());
        r = train(tmp.resolve("m2"), "--data", "mnist:" + mnist.resolve("train-images-idx3-ubyte"), "--eval-images", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("training images 0..3"), r.out());
        Files.write(tmp.resolve("labels-as-images"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 3});
        usageError("bad magic number", train(tmp.resolve("m3"), "--data", "mnist:" + tmp.resolve("labels-as-images")));

        Path cifar = Files.createDirectories(tmp.resolve("cifar"));
        Files.write(cifar.resolve("data_batch_1.bin"), cifar(3));
        Files.write(cifar.resolve("test_batch.bin"), cifar(2));
        r = train(tmp.resolve("c"), "--data", "cifar10:" + cifar, "--eval-images", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("on 2 images"), r.out());
        Files.write(tmp.resolve("short.bin"), new byte[100]);
        usageError("--data cifar10:" + tmp.resolve("short.bin"), train(tmp.resolve("c2"), "--data", "cifar10:" + tmp.resolve("short.bin")));
    }

    @Test
    void quantizerFlagsReachTheCheckpointAndBadCombinationsGiveOneLine(@TempDir Path tmp) {
        Result r = run("train", "--out", tmp.resolve("f").toString(), "--steps", "2", "--batch", "2", "--hidden", "8", "--residual-channels", "4",
                "--residual-layers", "1", "--warmup", "0", "--image-size", "8", "--train-images", "8", "--eval-images", "4",
                "--quantizer", "fsq", "--levels", "4,3,3");
        assertEquals(0, r.status(), r.err());
        VqVaeConfig fsq = Checkpoints.info(tmp.resolve("f")).vqvaeConfig();
        assertEquals(List.of(4, 3, 3), fsq.options().levels());
        assertEquals(3, fsq.codeDim());
        assertEquals(36, fsq.codebookSize());

        r = train(tmp.resolve("e"), "--image-size", "8", "--train-images", "8", "--eval-images", "4", "--quantizer", "ema",
                "--dead-code-threshold", "1.5", "--kmeans-init", "2", "--ema-decay", "0.9", "--cosine");
        assertEquals(0, r.status(), r.err());
        VqVaeConfig ema = Checkpoints.info(tmp.resolve("e")).vqvaeConfig();
        assertEquals("ema", ema.quantizer());
        assertEquals(1.5, ema.options().deadCodeThreshold());
        assertEquals(2, ema.options().kmeansIters());
        assertTrue(ema.options().cosine());

        usageError("VqVaeConfig: levels does not apply to the residual quantizer (only to fsq)",
                train(tmp.resolve("x"), "--quantizer", "residual", "--levels", "8,5"));
        usageError("VqVaeConfig: ema_decay does not apply to the vq quantizer (only to ema)", train(tmp.resolve("x"), "--ema-decay", "0.9"));
        usageError("option --levels expects comma-separated integers like 8,5,5,5, got '8,x'", train(tmp.resolve("x"), "--quantizer", "fsq", "--levels", "8,x"));
        usageError("--cosine cannot change when resuming", run("train", "--resume", tmp.resolve("e").toString(), "--cosine"));
    }
}
