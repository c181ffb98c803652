package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.StateDicts;
import dev.vq4j.models.data.Images;
import dev.vq4j.models.data.ProceduralImages;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.vqgan.VqganCheckpoint;
import dev.vq4j.models.vqgan.VqganConfig;
import dev.vq4j.models.vqgan.VqganLoss;
import dev.vq4j.models.vqgan.VqganModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** reconstruct / encode / decode with --config on a tiny generated VQGAN checkpoint, and train --model vqgan. */
class VqganCommandsTest {
    static final VqganConfig CONFIG = new VqganConfig(32, new int[] {1, 2}, 1, new int[] {8}, 8, 8, 16, 16, 3, 3, 0f, false);

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A taming-style checkpoint: model keys plus loss.discriminator.* (ignored by inference), and model.yaml. */
    static VqganModel writeCheckpoint(Path dir) throws Exception {
        Init.manualSeed(3);
        VqganModel m = new VqganModel(CONFIG);
        VqganLoss.Options lo = VqganLoss.Options.defaults(0);
        Map<String, Tensor> sd = new LinkedHashMap<>(m.stateDict());
        for (var e : new VqganLoss(lo).discriminator().stateDict().entrySet()) sd.put("loss.discriminator." + e.getKey(), e.getValue());
        StateDicts.save(dir.resolve("model.safetensors"), sd);
        Files.writeString(dir.resolve("model.yaml"), VqganCheckpoint.toYaml(CONFIG, lo));
        Images.writePng(dir.resolve("in.png"), new ProceduralImages(1, 1, 16).batch(new int[] {0}).select(0, 0));
        m.eval();
        return m;
    }

    @Test
    void reconstructEncodeDecodeOnATamingCheckpoint(@TempDir Path dir) throws Exception {
        VqganModel m = writeCheckpoint(dir);
        String yaml = dir.resolve("model.yaml").toString(), ckpt = dir.resolve("model.safetensors").toString();
        Result r = run("reconstruct", "--config", yaml, "--checkpoint", ckpt, dir.resolve("in.png").toString(), dir.resolve("out.png").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(codes [8, 8] each)"), r.out());
        Tensor outImg = Images.read(dir.resolve("out.png"), 3);
        assertArrayEquals(new int[] {3, 16, 16}, outImg.shape());

        Result e = run("encode", "--config", yaml, "--checkpoint", ckpt, "--out", dir.resolve("codes.npy").toString(), dir.resolve("in.png").toString());
        assertEquals(0, e.code(), e.err());
        Npy.Array codes = Npy.readIntegers(dir.resolve("codes.npy"));
        assertArrayEquals(new int[] {1, 8, 8}, codes.shape());
        Tensor x = Images.read(dir.resolve("in.png"), 3).unsqueeze(0).mul(2f).sub(1f);
        assertArrayEquals(m.encode(x).indices().to(dev.vq4j.core.DType.INT64).toLongArray(), codes.data());

        Result d = run("decode", "--config", yaml, "--checkpoint", ckpt, "--codes", dir.resolve("codes.npy").toString(), "--out", dir.resolve("dec").toString());
        assertEquals(0, d.code(), d.err());
        // decoding the codes gives the reconstruction (PNG-rounded both ways)
        float[] a = Images.read(dir.resolve("dec/image-0000.png"), 3).toFloatArray(), b = outImg.toFloatArray();
        for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1.5f / 255f, "pixel " + i);

        // a wrong-shaped config gives the key report, not a stack trace
        Files.writeString(dir.resolve("bad.yaml"), Files.readString(dir.resolve("model.yaml")).replace("ch: 32", "ch: 64"));
        Result bad = run("reconstruct", "--config", dir.resolve("bad.yaml").toString(), "--checkpoint", ckpt, dir.resolve("in.png").toString(), dir.resolve("o2.png").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("mis-shaped: encoder.conv_in.weight is [32, 3, 3, 3] in the checkpoint, the model's is [64, 3, 3, 3]"), bad.err());
    }

    @Test
    void trainVqganAcrossDiscStartResumeThenEvalEncodeDecodeReconstructOnTheRun(@TempDir Path dir) throws Exception {
        String runDir = dir.resolve("run").toString();
        String[] common = {"--ch", "32", "--ch-mult", "1,2", "--z-channels", "8", "--code-dim", "8", "--codebook-size", "16", "--image-size", "16",
                "--train-images", "8", "--eval-images", "4", "--batch", "2", "--disc-start", "2", "--disc-ndf", "8", "--disc-layers", "2",
                "--checkpoint-every", "2", "--eval-every", "2", "--warmup", "1", "--out", runDir};
        Result r = run(concat(new String[] {"train", "--model", "vqgan", "--steps", "3"}, common));
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("step 3: discriminator switched on (disc_start 2)"), r.out());
        assertTrue(r.out().contains("held-out  PSNR") && r.out().contains("l1 ") && r.out().contains("g_loss "), r.out());
        assertTrue(Files.exists(dir.resolve("run/samples/step-00000002.png")));
        assertTrue(Files.exists(dir.resolve("run/checkpoints/step-00000002/optimizer_disc.safetensors")));
        Result res = run("train", "--steps", "4", "--resume", runDir);
        assertEquals(0, res.code(), res.err() + res.out());
        assertTrue(res.out().contains("resuming at step 3"), res.out());
        usageError(run("train", "--model", "vqvae", "--resume", runDir), "--model vqvae, but ");

        // every inference command takes the run directory, whatever model it holds
        Result ev = run("eval", "--checkpoint", runDir, "--count", "4");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.out().contains("model       vqgan") && ev.out().contains("PSNR") && ev.out().contains("SSIM") && ev.out().contains("usage")
                && ev.out().contains("perplexity"), ev.out());
        Images.writePng(dir.resolve("in.png"), new ProceduralImages(1, 1, 16).batch(new int[] {0}).select(0, 0));
        Result rec = run("reconstruct", "--checkpoint", runDir, dir.resolve("in.png").toString(), dir.resolve("o.png").toString());
        assertEquals(0, rec.code(), rec.err());
        Result enc = run("encode", "--checkpoint", runDir, "--out", dir.resolve("c.npy").toString(), dir.resolve("in.png").toString());
        assertEquals(0, enc.code(), enc.err());
        Result dec = run("decode", "--checkpoint", runDir, "--codes", dir.resolve("c.npy").toString(), "--out", dir.resolve("d").toString());
        assertEquals(0, dec.code(), dec.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("o.png")), Files.readAllBytes(dir.resolve("d/image-0000.png")), "encode then decode = reconstruct");
        // the same with an explicit config + weights pair
        Path cp = dir.resolve("run/checkpoints/step-00000004");
        Result pair = run("reconstruct", "--config", cp.resolve("config.json").toString(), "--checkpoint", cp.resolve("model.safetensors").toString(),
                dir.resolve("in.png").toString(), dir.resolve("o2.png").toString());
        assertEquals(0, pair.code(), pair.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("o.png")), Files.readAllBytes(dir.resolve("o2.png")));
    }

    @Test
    void vqganTakesEveryQuantizerAndRefusesVqvaeArchitectureFlags(@TempDir Path dir) throws Exception {
        String[] tiny = {"--ch", "32", "--ch-mult", "1,2", "--z-channels", "8", "--image-size", "8", "--train-images", "4", "--eval-images", "2",
                "--batch", "2", "--steps", "1", "--warmup", "0", "--disc-ndf", "8", "--disc-layers", "1"};
        String[][] quantizers = {{"--quantizer", "vq", "--code-dim", "4", "--codebook-size", "8", "--legacy"},
                {"--quantizer", "ema", "--code-dim", "4", "--codebook-size", "8", "--ema-decay", "0.9"},
                {"--quantizer", "cosine", "--code-dim", "4", "--codebook-size", "8"},
                {"--quantizer", "factorized", "--code-dim", "8", "--codebook-size", "8", "--factor-dim", "4"},
                {"--quantizer", "residual", "--code-dim", "4", "--codebook-size", "8", "--stages", "2"},
                {"--quantizer", "fsq", "--levels", "4,3,3"},
                {"--quantizer", "lfq", "--code-dim", "4"}};
        for (String[] q : quantizers) {
            Path out = dir.resolve(q[1]);
            Result r = run(concat(concat(new String[] {"train", "--model", "vqgan", "--out", out.toString()}, tiny), q));
            assertEquals(0, r.code(), q[1] + ": " + r.err() + r.out());
            var info = Checkpoints.info(out);
            assertEquals("vqgan", info.modelType());
            assertEquals(q[1].equals("cosine") ? "vq" : q[1], ((Map<?, ?>) info.sections().get("model")).get("quantizer"), q[1]);
            Result ev = run("eval", "--checkpoint", out.toString(), "--count", "2");
            assertEquals(0, ev.code(), q[1] + ": " + ev.err());
        }
        usageError(run(concat(new String[] {"train", "--model", "vqgan", "--out", dir.resolve("x").toString(), "--hidden", "8"}, tiny)),
                "--hidden applies to --model vqvae only");
        usageError(run("train", "--out", dir.resolve("y").toString(), "--ch", "32"), "--ch applies to --model vqgan only");
        usageError(run(concat(new String[] {"train", "--model", "vqgan", "--out", dir.resolve("z").toString(), "--quantizer", "fsq", "--levels", "4,3", "--code-dim", "4"}, tiny)),
                "VQGAN: fsq with levels [4, 3] quantises 2 channels, so code_dim (embed_dim) must be 2, got 4");
    }

    static void usageError(Result r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
