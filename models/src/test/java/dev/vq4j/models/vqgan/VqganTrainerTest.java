package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.optim.Optimizer;
import dev.vq4j.core.DType;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.data.ProceduralImages;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.NonFiniteLossException;
import dev.vq4j.models.train.StepStats;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.train.TrainListener;
import dev.vq4j.models.train.Trainer;
import dev.vq4j.models.vqvae.QuantizerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny VQGAN trained by the one Trainer across disc_start, stopped, resumed, and compared byte for byte with the straight run. */
class VqganTrainerTest {
    static final VqganConfig CONFIG = new VqganConfig(32, new int[] {1, 2}, 1, new int[] {}, 8, 8, 16, 16, 3, 3, 0f, false);
    static final VqganLoss.Options LOSS = new VqganLoss.Options(3, 1f, 2, 3, 8, 1f, 1f, 1f, false, VqganLoss.DiscLoss.HINGE);
    /** k-means init and dead-code restarts: the quantiser's generator is in play, so resume must restore it. */
    static final VqganSpec SPEC = new VqganSpec(CONFIG, "vq", 0.25, false, QuantizerOptions.DEFAULTS.withDeadCodeThreshold(0.5), LOSS);
    static final ProceduralImages DATA = new ProceduralImages(5, 16, 16), HELD_OUT = new ProceduralImages(6, 4, 16);

    static TrainConfig config(int steps) {
        // checkpoint every 2 steps, keep all; eval every 3 steps
        return new TrainConfig("builtin", 16, 16, 4, steps, 2, "adam", 1e-3, 1e-4, 1, 0, 1.0, 7, 1, 3, 2, 100);
    }

    @Test
    void kStepsResumeKStepsEqualsTwoKStraightAcrossDiscStart(@TempDir Path tmp) throws Exception {
        int k = 3, total = 2 * k; // disc_start 3: the discriminator switches on in the second half
        List<String> messages = new ArrayList<>();
        Trainer straight = new Trainer(new VqganTask(SPEC, config(total), messages::add), config(total), DATA, HELD_OUT, tmp.resolve("straight"));
        Trainer.Result all = straight.run(null);
        assertEquals(total, all.finalStep());
        assertEquals(List.of("step 4: discriminator switched on (disc_start 3)"), messages);
        assertTrue(all.part("d_loss")[k] > 0 && Float.isNaN(all.part("d_loss")[k - 1]), "d_loss only after disc_start");
        assertTrue(all.part("d_weight")[k] > 0, "adaptive weight after disc_start");

        Trainer first = new Trainer(new VqganTask(SPEC, config(total), m -> {}), config(total), DATA, HELD_OUT, tmp.resolve("split"));
        first.run(new TrainListener() {
            @Override
            public void onStep(StepStats s) {
                if (s.step() == k) first.requestStop();
            }
        });
        Trainer resumed = new Trainer(new VqganTask(SPEC, config(total), m -> {}), config(total), DATA, HELD_OUT, tmp.resolve("split"));
        resumed.resumeFrom(Checkpoints.resolve(tmp.resolve("split").resolve("checkpoints/step-00000003")));
        assertEquals(k, resumed.step());
        Trainer.Result rest = resumed.run(null);

        for (int i = k; i < total; i++) assertEquals(Float.floatToRawIntBits(all.losses()[i]), Float.floatToRawIntBits(rest.losses()[i]), "loss at step " + (i + 1));
        assertBytesEqual(straight.task().model().stateDict(), resumed.task().model().stateDict(), "weights");
        assertTrue(straight.task().model().stateDict().containsKey("loss.discriminator.main.0.weight"));
        assertFalse(straight.task().model().stateDict().keySet().stream().anyMatch(n -> n.startsWith("loss.perceptual_loss.")), "no random LPIPS in checkpoints");
        for (String name : List.of("", "disc")) {
            Optimizer a = straight.task().optimizers().get(name), b = resumed.task().optimizers().get(name);
            assertBytesEqual(a.stateDict(), b.stateDict(), "optimizer '" + name + "'");
        }
        Path cp = Checkpoints.resolve(tmp.resolve("straight"));
        for (String f : List.of("model.safetensors", "optimizer.safetensors", "optimizer_disc.safetensors", "config.json", "trainer_state.json"))
            assertTrue(Files.isRegularFile(cp.resolve(f)), f);
        assertTrue(Files.isRegularFile(tmp.resolve("straight/samples/step-00000006.png")), "PNG grid at the evaluation");
        assertTrue(all.lastTokenizerEval().terms().containsKey("l1") && all.lastTokenizerEval().terms().containsKey("g_loss"), all.lastTokenizerEval().terms().toString());

        // the checkpoint loads as a tokenizer: encode then decode is reconstruct
        try (ImageTokenizer tok = ImageTokenizer.load(tmp.resolve("straight"))) {
            assertEquals("vqgan", tok.modelType());
            Tensor x = HELD_OUT.batch(new int[] {0, 1});
            ImageTokenizer.Reconstruction r = tok.reconstructImages(x);
            assertArrayEquals(r.codes().toLongArray(), tok.encodeImages(x).toLongArray());
            assertArrayEquals(r.images().toFloatArray(), tok.decodeCodes(tok.encodeImages(x)).toFloatArray());
            ImageTokenizer trained = straight.task().tokenizer();
            assertArrayEquals(trained.reconstructImages(x).images().toFloatArray(), r.images().toFloatArray(), "loaded = trained");
        }
    }

    @Test
    void aNanStopsTheRunNamingTheStepBeforeAnyOptimiserStep(@TempDir Path tmp) {
        int[] calls = {0};
        ImageDataset poisoned = new ImageDataset() {
            @Override public int size() { return DATA.size(); }
            @Override public int channels() { return 3; }
            @Override public int height() { return 16; }
            @Override public int width() { return 16; }
            @Override public String describe() { return "images, NaN from the second batch"; }
            @Override public Tensor batch(int[] indices) {
                Tensor x = DATA.batch(indices);
                return ++calls[0] >= 2 ? x.mul(Float.NaN) : x;
            }
        };
        Trainer t = new Trainer(new VqganTask(SPEC, config(4), m -> {}), config(4), poisoned, null, tmp.resolve("run"));
        Map<String, float[]> before = new java.util.LinkedHashMap<>(); // host copies: the step's tensors are freed with its scope
        TrainListener keep = new TrainListener() {
            @Override
            public void onStep(StepStats s) {
                t.task().model().namedParameters().forEach((k, v) -> before.put(k, v.contiguous().to(DType.FLOAT32).toFloatArray()));
            }
        };
        var e = assertThrows(NonFiniteLossException.class, () -> t.run(keep));
        assertEquals("loss is NaN at step 2 (loss)", e.getMessage());
        assertEquals(1, calls[0] - 1, "one good step, then the NaN batch");
        // no optimiser step ran: every trainable parameter is as after step 1 (buffers the forward pass updates, such as
        // the quantiser's usage averages, saw the bad batch; the checkpoint on disk is what a resume uses)
        t.task().model().namedParameters().forEach((k, v) -> {
            float[] now = v.contiguous().to(DType.FLOAT32).toFloatArray(), was = before.get(k);
            for (int i = 0; i < now.length; i++) assertEquals(Float.floatToRawIntBits(was[i]), Float.floatToRawIntBits(now[i]), k + "[" + i + "] changed by the NaN step");
        });
    }

    static void assertBytesEqual(Map<String, Tensor> a, Map<String, Tensor> b, String what) {
        assertEquals(a.keySet(), b.keySet(), what);
        for (String key : a.keySet()) {
            Tensor x = a.get(key), y = b.get(key);
            if (x.dtype() == DType.FLOAT32) {
                float[] fx = x.contiguous().toFloatArray(), fy = y.contiguous().toFloatArray();
                for (int i = 0; i < fx.length; i++)
                    assertEquals(Float.floatToRawIntBits(fx[i]), Float.floatToRawIntBits(fy[i]), what + " " + key + "[" + i + "]");
            } else {
                assertArrayEquals(x.contiguous().to(DType.INT64).toLongArray(), y.contiguous().to(DType.INT64).toLongArray(), what + " " + key);
            }
        }
    }
}
