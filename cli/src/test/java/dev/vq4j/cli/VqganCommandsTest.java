package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.StateDicts;
import dev.vq4j.models.data.Images;
import dev.vq4j.models.data.ProceduralImages;
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
        assertTrue(r.out().contains("(64 codes each)"), r.out());
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
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("mis-shaped: encoder.conv_in.weight is [32, 3, 3, 3] in the checkpoint, the model's is [64, 3, 3, 3]"), bad.err());
    }

    @Test
    void trainVqganAcrossDiscStartThenResume(@TempDir Path dir) throws Exception {
        String runDir = dir.resolve("run").toString();
        String[] common = {"--ch", "32", "--ch-mult", "1,2", "--z", "8", "--codebook-size", "16", "--image-size", "16", "--count", "8",
                "--batch", "2", "--disc-start", "2", "--disc-ndf", "8", "--disc-layers", "2", "--checkpoint-every", "2", "--sample-every", "2", "--out", runDir};
        String[] first = concat(new String[] {"train", "--model", "vqgan", "--steps", "3"}, common);
        Result r = run(first);
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("step 2: discriminator switched on (disc_start 2)"), r.out());
        assertTrue(Files.exists(dir.resolve("run/samples/step-000003.png")));
        assertTrue(Files.exists(dir.resolve("run/checkpoints/step-000002/optimizer_disc.safetensors")));
        Result res = run(concat(new String[] {"train", "--model", "vqgan", "--steps", "4", "--resume", dir.resolve("run/checkpoints/step-000003").toString()}, common));
        assertEquals(0, res.code(), res.err() + res.out());
        assertTrue(res.out().contains("resumed from") && res.out().contains("at step 3"), res.out());
        // the trained checkpoint loads for inference
        Images.writePng(dir.resolve("in.png"), new ProceduralImages(1, 1, 16).batch(new int[] {0}).select(0, 0));
        Result rec = run("reconstruct", "--config", dir.resolve("run/checkpoints/step-000004/model.yaml").toString(), "--checkpoint",
                dir.resolve("run/checkpoints/step-000004/model.safetensors").toString(), dir.resolve("in.png").toString(), dir.resolve("o.png").toString());
        assertEquals(0, rec.code(), rec.err());
        // VQ-VAE training is still reached without --model vqgan
        assertTrue(!VqganTrainCommand.wants(new String[] {"train", "--steps", "3"}));
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
