package dev.vq4j.models.train;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.io.Json;
import dev.vq4j.models.vqvae.TestImages;
import dev.vq4j.models.vqvae.TestQuantizer;
import dev.vq4j.models.vqvae.QuantizerOptions;
import dev.vq4j.models.vqvae.VqVae;
import dev.vq4j.models.vqvae.VqVaeConfig;
import dev.vq4j.autograd.nn.Init;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    static final VqVaeConfig MODEL = new VqVaeConfig(3, 8, 4, 1, 2, "vq", 8, 4, 0.25, false);
    static final TestImages DATA = new TestImages(3, 40, 3, 8), HELD_OUT = new TestImages(99, 8, 3, 8);

    static TrainConfig config(int steps) {
        return new TrainConfig("builtin", 8, 40, 8, steps, 4, "adamw", 1e-2, 1e-3, 2, 0.01, 1.0, 5, 2, 0, 3, 2);
    }

    static VqVae model(TestQuantizer q) {
        Init.manualSeed(11);
        return new VqVae(MODEL, q);
    }

    static VqVae model() {
        return model(new TestQuantizer(8, 4, 0.25f));
    }

    static byte[] parameterBytes(VqVae m) {
        int n = 0;
        for (Tensor p : m.stateDict().values()) n += p.numel();
        ByteBuffer b = ByteBuffer.allocate(4 * n);
        for (Tensor p : m.stateDict().values()) for (float v : p.contiguous().toFloatArray()) b.putInt(Float.floatToRawIntBits(v));
        return b.array();
    }

    @Test
    void kStepsThenResumeThenKStepsIsBitIdenticalToTwoKStraight(@TempDir Path tmp) throws Exception {
        assertResumeIsExact(tmp, TrainerTest::model);
    }

    /** EMA codes with k-means initialisation and dead-code restarts draw from the quantiser's own generator every few steps. */
    @Test
    void resumeIsExactWithEmaDeadCodeRestartsAndKmeans(@TempDir Path tmp) throws Exception {
        VqVaeConfig ema = new VqVaeConfig(3, 8, 4, 1, 2, "ema", 8, 4, 0.25, false,
                new QuantizerOptions(false, 2, 6.0, 0.9, 1e-5, 1, false, List.of(), 8, 0.1));
        assertResumeIsExact(tmp, () -> Trainer.newModel(ema, 11));
        VqVae fresh = Trainer.newModel(ema, 11), trained = Trainer.newModel(ema, 11);
        new Trainer(trained, config(4), DATA, null, null).run(null);
        assertFalse(Arrays.equals(ModelRngs.capture(fresh).get("quantizer"), ModelRngs.capture(trained).get("quantizer")),
                "training drew from the quantiser's generator (dead-code restarts happened)");
    }

    /** Residual VQ draws the number of active stages per batch from its generator. */
    @Test
    void resumeIsExactWithQuantizeDropout(@TempDir Path tmp) throws Exception {
        VqVaeConfig rvq = new VqVaeConfig(3, 8, 4, 1, 2, "residual", 8, 4, 0.25, false,
                new QuantizerOptions(false, 0, 6.0, 0.99, 1e-5, 3, true, List.of(), 8, 0.1));
        assertResumeIsExact(tmp, () -> Trainer.newModel(rvq, 11));
    }

    private static void assertResumeIsExact(Path tmp, Supplier<VqVae> model) throws Exception {
        int k = 5;
        Trainer straight = new Trainer(model.get(), config(2 * k), DATA, HELD_OUT, tmp.resolve("straight"));
        Trainer.Result all = straight.run(null);

        Trainer first = new Trainer(model.get(), config(2 * k), DATA, HELD_OUT, tmp.resolve("split"));
        Trainer.Result half = first.run(new TrainListener() { // stop as Ctrl-C would: a flag set during step k
            @Override
            public void onStep(StepStats s) {
                if (s.step() == k) first.requestStop();
            }
        });
        assertEquals(k, half.finalStep());
        assertTrue(half.stoppedEarly());

        Trainer resumed = new Trainer(model.get(), config(2 * k), DATA, HELD_OUT, tmp.resolve("split"));
        resumed.resumeFrom(Checkpoints.resolve(tmp.resolve("split")));
        assertEquals(k, resumed.step());
        Trainer.Result rest = resumed.run(null);
        assertEquals(2 * k, rest.finalStep());

        assertArrayEquals(parameterBytes(vqvae(straight)), parameterBytes(vqvae(resumed)), "weights after 2k steps differ");
        Map<String, long[]> rngA = ModelRngs.capture(vqvae(straight)), rngB = ModelRngs.capture(vqvae(resumed));
        assertEquals(rngA.keySet(), rngB.keySet());
        for (String name : rngA.keySet()) assertArrayEquals(rngA.get(name), rngB.get(name), "generator of " + name);
        for (int i = k; i < 2 * k; i++) assertEquals(Float.floatToRawIntBits(all.losses()[i]), Float.floatToRawIntBits(rest.losses()[i]), "loss at step " + (i + 1));
        Map<String, Tensor> a = straight.task().optimizers().get("").stateDict(), b = resumed.task().optimizers().get("").stateDict();
        assertEquals(a.keySet(), b.keySet());
        for (String key : a.keySet()) assertArrayEquals(a.get(key).toData().data() instanceof float[] f ? f : null,
                b.get(key).toData().data() instanceof float[] g ? g : null, key);
        // the split run's log reads as one run: steps 2, 4, 5 (stop), then 6, 8, 10
        List<String> lines = Files.readAllLines(tmp.resolve("split").resolve(TrainLog.FILE));
        List<Long> steps = lines.stream().map(l -> (Map<?, ?>) Json.parse(l)).filter(m -> m.containsKey("loss")).map(m -> (Long) m.get("step")).toList();
        assertEquals(List.of(2L, 4L, 5L, 6L, 8L, 10L), steps);
    }

    @Test
    void checkpointsAreCompleteDirectoriesAndOnlyTheNewestAreKept(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        Trainer t = new Trainer(model(), config(10), DATA, HELD_OUT, run);
        Trainer.Result r = t.run(null);
        List<Path> cps = Checkpoints.list(run);
        assertEquals(List.of("step-00000009", "step-00000010"), cps.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(cps.getLast(), r.lastCheckpoint());
        for (Path cp : cps)
            for (String f : List.of(Checkpoints.MODEL, Checkpoints.OPTIMIZER, Checkpoints.CONFIG, Checkpoints.STATE))
                assertTrue(Files.isRegularFile(cp.resolve(f)), cp + "/" + f);
        try (Stream<Path> s = Files.list(run.resolve(Checkpoints.DIR))) {
            assertEquals(2, s.count(), "no temporary directories are left behind");
        }
        Checkpoints.Info info = Checkpoints.info(run);
        assertEquals(MODEL, info.vqvaeConfig());
        assertEquals("vqvae", info.modelType());
        assertEquals(config(10), info.train());
        assertEquals(10, info.state().step());
        VqVae loaded = model();
        Checkpoints.loadWeights(loaded, info.directory());
        assertArrayEquals(parameterBytes(vqvae(t)), parameterBytes(loaded));
        assertNotNull(r.lastEval());
        assertTrue(r.lastTokenizerEval().psnr() > 5 && r.lastTokenizerEval().psnr() < 100, "psnr " + r.lastTokenizerEval().psnr());
        assertTrue(r.lastTokenizerEval().usage() > 0 && r.lastTokenizerEval().usage() <= 1);
    }

    @Test
    void nanLossStopsWithTheStepAndTheTensorNamed() {
        TestQuantizer q = new TestQuantizer(8, 4, 0.25f);
        q.poisonAtCall = 3;
        Trainer t = new Trainer(model(q), config(10), DATA, null, null);
        var e = assertThrows(NonFiniteLossException.class, () -> t.run(null));
        assertEquals("loss is NaN at step 3 (quantizer_loss)", e.getMessage());
        assertEquals(3, e.step());
    }

    @Test
    void lossFallsAndTheListenerSeesEveryStep() {
        int[] seen = {0};
        Trainer t = new Trainer(model(), config(40), DATA, null, null);
        Trainer.Result r = t.run(new TrainListener() {
            @Override
            public void onStep(StepStats s) {
                assertEquals(++seen[0], s.step());
                assertTrue(s.usage() > 0 && s.usage() <= 1 && s.stepsPerSecond() > 0 && s.lr() >= 0);
            }
        });
        assertEquals(40, seen[0]);
        float[] recon = r.part("recon_loss");
        float first = (recon[0] + recon[1]) / 2, last = (recon[38] + recon[39]) / 2;
        assertTrue(last < first / 2, "recon loss fell from " + first + " to only " + last);
    }

    @Test
    void resumeRejectsAnotherModelShape(@TempDir Path tmp) {
        new Trainer(model(), config(3), DATA, null, tmp).run(null);
        Init.manualSeed(1);
        VqVaeConfig other = new VqVaeConfig(3, 8, 4, 1, 2, "vq", 8, 4, 0.5, false);
        Trainer t = new Trainer(new VqVae(other, new TestQuantizer(8, 4, 0.5f)), config(3), DATA, null, tmp.resolve("other"));
        var e = assertThrows(IllegalArgumentException.class, () -> t.resumeFrom(tmp));
        assertTrue(e.getMessage().startsWith("resume: checkpoint "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.resolve(tmp.resolve("nothing")));
        assertTrue(e.getMessage().endsWith("nothing does not exist"), e.getMessage());
    }

    @Test
    void trainConfigRoundTripsAndValidates() {
        assertEquals(config(7), TrainConfig.fromJson(config(7).toJson()));
        var e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson("{\"optimizer\": \"sgd\"}"));
        assertEquals("TrainConfig: optimizer must be adam or adamw, got sgd", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromJson("{\"steps\": 10, \"warmup_steps\": 10}"));
        assertTrue(e.getMessage().contains("warmup_steps must be >= 0 and < steps (10)"), e.getMessage());
    }

    private static VqVae vqvae(Trainer t) {
        return ((VqVaeTask) t.task()).vqvae();
    }
}
