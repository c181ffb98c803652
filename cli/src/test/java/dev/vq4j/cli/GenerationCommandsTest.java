package dev.vq4j.cli;

import dev.vq4j.models.data.Images;
import dev.vq4j.models.data.ProceduralImages;
import dev.vq4j.models.prior.CodeDataset;
import dev.vq4j.models.testing.PythonReference;
import dev.vq4j.models.train.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The generation path end to end on tiny models: train a tokenizer, tokenize, train gpt and maskgit priors, sample, vary. */
class GenerationCommandsTest {
    static VqganCommandsTest.Result run(String... args) {
        return VqganCommandsTest.run(args);
    }

    @Test
    void tokenizeTrainSampleAndVary(@TempDir Path dir) throws Exception {
        String tok = dir.resolve("tok").toString(), codes = dir.resolve("codes.safetensors").toString();
        VqganCommandsTest.Result t = run("train", "--steps", "4", "--warmup", "1", "--image-size", "16", "--train-images", "32", "--eval-images", "8",
                "--hidden", "8", "--residual-channels", "4", "--codebook-size", "16", "--code-dim", "4", "--out", tok);
        assertEquals(0, t.code(), t.err());

        VqganCommandsTest.Result k = run("tokenize", "--tokenizer", tok, "--count", "40", "--flip", "--out", codes);
        assertEquals(0, k.code(), k.err());
        assertTrue(k.out().contains("80 grids of 4x4, labels over 4 classes"), k.out());
        CodeDataset c = CodeDataset.read(Path.of(codes));
        assertEquals(ProceduralImages.CLASSES, c.classNames());
        assertEquals(Path.of(tok).toAbsolutePath().toString(), c.tokenizer());

        for (String model : new String[] {"gpt", "maskgit"}) {
            String prior = dir.resolve(model).toString();
            VqganCommandsTest.Result p = run("train", "--model", model, "--codes", codes, "--steps", "3", "--warmup", "1", "--eval-images", "8",
                    "--layers", "1", "--heads", "2", "--width", "16", "--out", prior);
            assertEquals(0, p.code(), p.err());
            assertTrue(p.out().contains("bits per token"), p.out());
            assertTrue(Files.isRegularFile(Checkpoints.directoryFor(Path.of(prior), 3).resolve("optimizer_no_decay.safetensors")));
            assertTrue(Files.isRegularFile(Path.of(prior, "samples", "step-00000003.png")), "a sample grid at the last evaluation");

            Path png = dir.resolve(model + ".png"), npy = dir.resolve(model + ".npy");
            VqganCommandsTest.Result s = run("sample", "--prior", prior, "--count", "3", "--seed", "5", "--top-k", "4", "--cfg", "2",
                    "--out", png.toString(), "--codes-out", npy.toString());
            assertEquals(0, s.code(), s.err());
            Npy.Array a = Npy.readIntegers(npy);
            assertArrayEquals(new int[] {12, 4, 4}, a.shape(), "3 samples of each of the 4 classes");
            for (long v : a.data()) assertTrue(v >= 0 && v < 16, "code " + v);
            VqganCommandsTest.Result again = run("sample", "--prior", prior, "--count", "3", "--seed", "5", "--top-k", "4", "--cfg", "2",
                    "--out", dir.resolve("again.png").toString(), "--codes-out", dir.resolve("again.npy").toString());
            assertEquals(0, again.code(), again.err());
            assertArrayEquals(a.data(), Npy.readIntegers(dir.resolve("again.npy")).data(), "same seed, same codes");
            assertTrue(Images.read(png, 3).size(1) > 16, "a grid image");

            Images.writePng(dir.resolve("in.png"), new ProceduralImages(3, 1, 16).batch(new int[] {0}).select(0, 0));
            VqganCommandsTest.Result v = run("vary", dir.resolve("in.png").toString(), "--prior", prior, "--class", "ring", "--region", "0,0,8,8",
                    "--count", "2", "--out", dir.resolve(model + "-vary.png").toString());
            assertEquals(0, v.code(), v.err());
            assertTrue(v.out().contains("re-sampled 4 of 16 codes in 2 variations"), v.out());
        }
    }

    /** The demo's whole path at toy sizes, with either prior: tokenizer, codes, prior run, samples.png, the judge. */
    @Test
    void demoRunsTheWholeStoryWithEitherPrior(@TempDir Path dir) throws Exception {
        for (String prior : new String[] {"gpt", "maskgit"}) {
            Path out = dir.resolve(prior);
            VqganCommandsTest.Result r = run("demo", "--steps", "3", "--image-size", "16", "--prior", prior, "--prior-steps", "2", "--judge-steps", "2",
                    "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            for (String f : new String[] {"reconstructions.png", "samples.png", "codes.safetensors"}) assertTrue(Files.isRegularFile(out.resolve(f)), f);
            assertTrue(Files.isDirectory(Checkpoints.directoryFor(out.resolve("prior"), 2)), "the prior's checkpoint");
            assertTrue(r.out().contains("bits per token") && r.out().contains("assigns"), r.out());
        }
    }

    /**
     * {@code vq4j sample --prior transformer.ckpt --config transformer.yaml --greedy}: a taming
     * Net2NetTransformer checkpoint written by torch.save (models' gpt/make_reference.py: VQGAN first stage +
     * GPT) gives PyTorch's greedy codes through the command line.
     */
    @Test
    void samplesATamingTransformerCheckpointAsPyTorch(@TempDir Path dir) throws Exception {
        PythonReference reference = new PythonReference("GPT reference", "/gpt/make_reference.py", "/vqgan/make_reference.py=vqgan_reference.py",
                "/oracle/torch_oracle.py");
        try {
            Path ref = reference.dir(), npy = dir.resolve("codes.npy");
            VqganCommandsTest.Result s = run("sample", "--prior", ref.resolve("transformer.ckpt").toString(), "--config", ref.resolve("transformer.yaml").toString(),
                    "--greedy", "--count", "2", "--out", dir.resolve("taming.png").toString(), "--codes-out", npy.toString());
            assertEquals(0, s.code(), s.err());
            assertArrayEquals(reference.load("transformer_reference.safetensors").get("codes_uncond").toLongArray(), Npy.readIntegers(npy).data());
            VqganCommandsTest.Result noYaml = run("sample", "--prior", ref.resolve("transformer.ckpt").toString());
            assertEquals(2, noYaml.code());
            assertTrue(noYaml.err().contains("needs its yaml (--config)"), noYaml.err());
        } finally {
            reference.delete();
        }
    }

    @Test
    void clearErrorsForBadGenerationInput(@TempDir Path dir) throws Exception {
        VqganCommandsTest.Result r = run("train", "--model", "gpt", "--steps", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("needs --codes"), r.err());
        r = run("train", "--model", "gpt", "--codes", dir.resolve("none.safetensors").toString(), "--steps", "3", "--warmup", "1");
        assertTrue(r.err().contains("does not exist"), r.err());
        r = run("train", "--model", "gpt", "--codes", "x.safetensors", "--hidden", "8");
        assertTrue(r.err().contains("--hidden applies to --model vqvae only"), r.err());
        r = run("train", "--layers", "2");
        assertTrue(r.err().contains("--layers applies to --model gpt or maskgit only"), r.err());
        r = run("sample", "--prior", dir.toString());
        assertNotEquals(0, r.code());
        r = run("sample");
        assertTrue(r.err().contains("--prior is required"), r.err());
        r = run("sample", "--prior", "x", "--temperature", "0");
        assertNotEquals(0, r.code());
    }
}
