package dev.vq4j.cli;

import dev.vq4j.core.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The VQ-VAE commands: help, one-line errors with status 2, and train → encode → decode → eval. */
class CommandsTest {
    private record Result(int status, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void usageError(String expected, String... args) {
        Result r = run(args);
        assertEquals(2, r.status(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("info", "demo", "train", "encode", "decode", "reconstruct", "eval", "tokenize", "sample", "vary")) {
            Result r = run(c, "--help");
            assertEquals(0, r.status(), c);
            assertTrue(r.out().startsWith("usage: vq4j " + c), r.out());
            assertTrue(run("--help").out().contains("  " + c + " "), c);
        }
        assertTrue(run("train", "--help").out().contains("--resume VALUE"));
    }

    @Test
    void badOptionsAndPathsGiveOneLineAndStatus2(@TempDir Path tmp) throws Exception {
        usageError("vq4j train: option --steps expects an integer, got 'many'", "train", "--steps", "many");
        usageError("unknown --data 'imagenet'", "train", "--data", "imagenet", "--out", tmp.resolve("a").toString());
        usageError("--data builtin takes no path: builtin (scenes) or builtin:single", "train", "--data", "builtin:fancy", "--out", tmp.resolve("a").toString());
        usageError("--data must be builtin or builtin:single, got folder:x", "demo", "--data", "folder:x");
        usageError("does not exist", "train", "--data", "folder:" + tmp.resolve("nope"), "--out", tmp.resolve("a").toString());
        usageError("VqVaeConfig: downsample must be a power of two", "train", "--downsample", "6", "--out", tmp.resolve("a").toString());
        usageError("TrainConfig: optimizer must be adam or adamw, got sgd", "train", "--optimizer", "sgd");
        usageError("--config " + tmp.resolve("none.json") + " does not exist", "train", "--config", tmp.resolve("none.json").toString());
        Files.writeString(tmp.resolve("bad.json"), "{\"model\": {\"codebook\": 3}}");
        usageError("unknown key \"codebook\"", "train", "--config", tmp.resolve("bad.json").toString());
        Files.writeString(tmp.resolve("broken.json"), "{\"model\": ");
        usageError("is not valid JSON", "train", "--config", tmp.resolve("broken.json").toString());
        usageError("checkpoint " + tmp.resolve("missing") + " does not exist", "train", "--resume", tmp.resolve("missing").toString());
        usageError("--hidden cannot change when resuming", "train", "--resume", tmp.toString(), "--hidden", "8");
        usageError("--checkpoint is required", "encode");
        usageError("does not exist", "encode", "--checkpoint", tmp.resolve("missing").toString());
        usageError("is not a checkpoint", "eval", "--checkpoint", tmp.toString());
        usageError("--out must end in .npy or .safetensors", "encode", "--checkpoint", tmp.toString(), "--out", "codes.txt");
        usageError("--codes FILE is required", "decode", "--checkpoint", tmp.toString());
        usageError("--codes " + tmp.resolve("c.npy") + " does not exist", "decode", "--checkpoint", tmp.toString(), "--codes", tmp.resolve("c.npy").toString());
        Files.writeString(tmp.resolve("junk.npy"), "not numpy at all");
        usageError("is not a .npy file", "decode", "--checkpoint", tmp.toString(), "--codes", tmp.resolve("junk.npy").toString());
        usageError("--out must end in .png", "reconstruct", "--checkpoint", tmp.toString(), "--out", "x.jpg");
        usageError("--batch must be >= 1, got 0", "eval", "--checkpoint", tmp.toString(), "--batch", "0");
        usageError("--steps must be >= 1 or auto, got 0", "demo", "--steps", "0");
        usageError("takes no arguments", "train", "extra");
    }

    @Test
    void npyFilesRoundTripWithAnAlignedVersion1Header(@TempDir Path tmp) throws Exception {
        long[] data = {0, 5, -1, Long.MAX_VALUE, 7, 3};
        Path f = tmp.resolve("a.npy");
        Npy.writeInt64(f, data, new int[] {1, 2, 3});
        byte[] bytes = Files.readAllBytes(f);
        int headerLength = (bytes[8] & 0xff) + ((bytes[9] & 0xff) << 8);
        assertEquals(0, (10 + headerLength) % 64, "data starts at a multiple of 64");
        assertEquals(10 + headerLength + 8 * data.length, bytes.length);
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2, 3), }"), header);
        assertTrue(header.endsWith("\n"));
        Npy.Array a = Npy.readIntegers(f);
        assertArrayEquals(new int[] {1, 2, 3}, a.shape());
        assertArrayEquals(data, a.data());
        Npy.writeInt64(f, new long[] {4}, new int[] {1});
        assertTrue(new String(Files.readAllBytes(f), StandardCharsets.US_ASCII).contains("'shape': (1,)"));
    }

    /** Broken .npy files get a message naming the file and what is wrong, never a raw index or number-format error. */
    @Test
    void brokenNpyFilesAreRefusedByName(@TempDir Path tmp) throws Exception {
        Path good = tmp.resolve("good.npy");
        Npy.writeInt64(good, new long[] {1, 2, 3, 4}, new int[] {2, 2});
        byte[] ok = Files.readAllBytes(good);
        String header = new String(ok, 10, ok.length - 10 - 32, StandardCharsets.ISO_8859_1);
        Path v2 = tmp.resolve("v2.npy"); // version 2 with a negative header length
        byte[] b = java.util.Arrays.copyOf(ok, ok.length);
        b[6] = 2;
        b[8] = (byte) 0xfb; b[9] = (byte) 0xff; b[10] = (byte) 0xff; b[11] = (byte) 0xff;
        Files.write(v2, b);
        assertRefused(v2, "header length at offset 8");
        Path letters = tmp.resolve("letters.npy");
        Files.write(letters, concat(java.util.Arrays.copyOf(ok, 10), header.replace("(2, 2)", "(2, a)").getBytes(StandardCharsets.ISO_8859_1),
                java.util.Arrays.copyOfRange(ok, ok.length - 32, ok.length)));
        assertRefused(letters, "has 'a', not a dimension");
        Path trailing = tmp.resolve("trailing.npy");
        Files.write(trailing, concat(ok, new byte[8]));
        assertRefused(trailing, "(trailing bytes)");
        Path cut = tmp.resolve("cut.npy");
        Files.write(cut, java.util.Arrays.copyOf(ok, ok.length - 5));
        assertRefused(cut, "(truncated)");
    }

    private static void assertRefused(Path f, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> Npy.readIntegers(f));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains(expected), e.getMessage());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    @Test
    void trainEncodeDecodeReconstructEvalAndResumeEndToEnd(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        String[] tiny = {"--image-size", "8", "--train-images", "32", "--eval-images", "8", "--batch", "4", "--hidden", "8", "--residual-channels", "4",
                "--residual-layers", "1", "--downsample", "2", "--codebook-size", "8", "--code-dim", "4", "--warmup", "1", "--checkpoint-every", "3"};
        Result r = run(concat(new String[] {"train", "--out", run.toString(), "--steps", "4"}, tiny));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("held-out  PSNR"), r.out());
        assertTrue(Files.isDirectory(run.resolve("checkpoints/step-00000004")));
        assertTrue(Files.readAllLines(run.resolve("train_log.jsonl")).size() >= 2);
        usageError("already holds checkpoints", concat(new String[] {"train", "--out", run.toString()}, tiny));

        r = run("train", "--resume", run.toString(), "--steps", "6");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("resuming at step 4"), r.out());
        assertTrue(Files.isDirectory(run.resolve("checkpoints/step-00000006")));
        // issue 17: resuming an older checkpoint into its run (which holds step 6) is refused; branching with --out is not
        Path older = run.resolve("checkpoints/step-00000004");
        usageError("holds checkpoints newer than step-00000004 (step-00000006): continue from the newest with --resume " + run,
                "train", "--resume", older.toString(), "--steps", "8");
        r = run("train", "--resume", older.toString(), "--steps", "5", "--out", tmp.resolve("branch").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.isDirectory(tmp.resolve("branch/checkpoints/step-00000005")));
        assertTrue(Files.isDirectory(run.resolve("checkpoints/step-00000006")), "the original run is untouched");

        r = run("encode", "--checkpoint", run.toString(), "--count", "3", "--out", tmp.resolve("codes.npy").toString());
        assertEquals(0, r.status(), r.err());
        Npy.Array codes = Npy.readIntegers(tmp.resolve("codes.npy"));
        assertArrayEquals(new int[] {3, 4, 4}, codes.shape());
        assertTrue(Files.readString(tmp.resolve("codes.json")).contains("\"codebook_size\": 8"));
        r = run("encode", "--checkpoint", run.toString(), "--count", "3", "--out", tmp.resolve("codes.safetensors").toString());
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(codes.data(), SafeTensors.read(tmp.resolve("codes.safetensors")).get("codes").longs());

        r = run("decode", "--checkpoint", run.toString(), "--codes", tmp.resolve("codes.npy").toString(), "--out", tmp.resolve("dec").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.isRegularFile(tmp.resolve("dec/image-0002.png")));
        Npy.writeInt64(tmp.resolve("far.npy"), new long[] {0, 99, 0, 0}, new int[] {1, 2, 2});
        usageError("code 99 in " + tmp.resolve("far.npy") + " is outside the checkpoint's codebook [0, 8)", "decode", "--checkpoint", run.toString(),
                "--codes", tmp.resolve("far.npy").toString());
        Npy.writeInt64(tmp.resolve("flat.npy"), new long[] {0, 1}, new int[] {2});
        usageError("expected [images, height, width]", "decode", "--checkpoint", run.toString(), "--codes", tmp.resolve("flat.npy").toString());
        // issue 17, amplification: a code grid that decodes past the pixel budget is refused before the decoder allocates
        Npy.writeInt64(tmp.resolve("wide.npy"), new long[200 * 300], new int[] {1, 200, 300});
        String old = System.getProperty("vq4j.maxImagePixels");
        System.setProperty("vq4j.maxImagePixels", "100000");
        try {
            usageError("decode to ", "decode", "--checkpoint", run.toString(), "--codes", tmp.resolve("wide.npy").toString());
            usageError("more than the limit of 100000 (-Dvq4j.maxImagePixels=N to change it)", "decode", "--checkpoint", run.toString(),
                    "--codes", tmp.resolve("wide.npy").toString());
        } finally {
            if (old == null) System.clearProperty("vq4j.maxImagePixels");
            else System.setProperty("vq4j.maxImagePixels", old);
        }
        // many images decode a batch at a time, with the same bits as one batch
        long[] many = new long[40 * 4];
        for (int i = 0; i < many.length; i++) many[i] = i % 8;
        Npy.writeInt64(tmp.resolve("many.npy"), many, new int[] {40, 2, 2});
        r = run("decode", "--checkpoint", run.toString(), "--codes", tmp.resolve("many.npy").toString(), "--out", tmp.resolve("many").toString());
        assertEquals(0, r.status(), r.err());
        Npy.writeInt64(tmp.resolve("one.npy"), java.util.Arrays.copyOfRange(many, 37 * 4, 38 * 4), new int[] {1, 2, 2});
        r = run("decode", "--checkpoint", run.toString(), "--codes", tmp.resolve("one.npy").toString(), "--out", tmp.resolve("one").toString());
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("one/image-0000.png")), Files.readAllBytes(tmp.resolve("many/image-0037.png")));

        r = run("reconstruct", "--checkpoint", run.toString(), "--count", "4", "--out", tmp.resolve("grid.png").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.size(tmp.resolve("grid.png")) > 0);

        r = run("eval", "--checkpoint", run.toString(), "--count", "8", "--json", tmp.resolve("eval.json").toString());
        assertEquals(0, r.status(), r.err());
        for (String k : List.of("PSNR", "SSIM", "usage", "perplexity")) assertTrue(r.out().contains(k), r.out());
        assertTrue(Files.readString(tmp.resolve("eval.json")).contains("\"psnr\""));
        usageError("cannot be downsampled by 2", "eval", "--checkpoint", run.toString(), "--image-size", "9");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
