package dev.vq4j.models.prior;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PriorTaskTest {
    static final int K = 6, H = 2, W = 3;

    /** Grids whose code at position p is p % K with probability 3/4, else 0. */
    static CodeDataset codes(int n, long seed) {
        dev.vq4j.core.Rng rng = new dev.vq4j.core.Rng(seed);
        long[] c = new long[n * H * W];
        for (int i = 0; i < c.length; i++) c[i] = rng.nextDouble() < 0.75 ? (i % (H * W)) % K : 0;
        return new CodeDataset(c, n, H, W, K, null, null, null, "test");
    }

    static TrainConfig config(int steps) {
        return new TrainConfig("codes:test", 8, 40, 8, steps, 8, "adamw", 5e-2, 1e-3, 2, 0.0, 1.0, 5, 1, 0, 3, 2);
    }

    static PriorTask task(int steps) {
        Map<String, Object> sections = new LinkedHashMap<>();
        sections.put("model", Map.of("k", (long) K));
        return new PriorTask(new PositionalUnigramPrior(K, H, W), sections, config(steps), null, null);
    }

    @Test
    void trainsAPriorAndReportsBitsPerToken() {
        Trainer t = new Trainer(task(60), config(60), codes(64, 1), codes(16, 2), null);
        Trainer.Result r = t.run(null);
        float first = r.losses()[0], last = r.losses()[59];
        assertEquals(Math.log(K), first, 1e-4, "uniform logits at the start: ln K nats");
        assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
        assertEquals(r.losses()[59] / Math.log(2), r.part("bits_per_token")[59], 1e-5);
        PriorEvaluation.Result e = (PriorEvaluation.Result) r.lastEval();
        assertEquals(16, e.count());
        assertEquals(e.natsPerToken() / Math.log(2), e.metrics().get("bits_per_token"), 1e-12);
        assertTrue(e.natsPerToken() < Math.log(K), e.summary());
    }

    @Test
    void resumeRestoresWeightsBothOptimisersAndTheTasksGenerator(@TempDir Path tmp) throws Exception {
        PriorTask straight = task(10);
        new Trainer(straight, config(10), codes(64, 1), null, tmp.resolve("a")).run(null);

        PriorTask firstHalf = task(10);
        Trainer first = new Trainer(firstHalf, config(10), codes(64, 1), null, tmp.resolve("b"));
        assertEquals(5, first.run(new dev.vq4j.models.train.TrainListener() {
            @Override
            public void onStep(dev.vq4j.models.train.StepStats s) {
                if (s.step() == 5) first.requestStop();
            }
        }).finalStep());
        PriorTask secondHalf = task(10);
        Trainer resumed = new Trainer(secondHalf, config(10), codes(64, 1), null, tmp.resolve("b"));
        resumed.resumeFrom(Checkpoints.directoryFor(tmp.resolve("b"), 5));
        resumed.run(null);
        for (String name : straight.model().stateDict().keySet()) {
            Tensor a = straight.model().stateDict().get(name), b = secondHalf.model().stateDict().get(name);
            assertArrayEquals(a.contiguous().toFloatArray(), b.contiguous().toFloatArray(), name);
        }
        assertEquals(((PositionalUnigramPrior) straight.prior()).drawn, ((PositionalUnigramPrior) firstHalf.prior()).drawn
                + ((PositionalUnigramPrior) secondHalf.prior()).drawn, "the task's generator continued where it stopped");
        assertTrue(java.nio.file.Files.isRegularFile(Checkpoints.directoryFor(tmp.resolve("b"), 10).resolve("optimizer.safetensors")));
    }

    @Test
    void refusesCodesThatDoNotFitThePrior() {
        CodeDataset other = new CodeDataset(new long[2 * 3 * 3], 2, 3, 3, K, null, null, null, "3x3");
        var e = assertThrows(IllegalArgumentException.class, () -> new Trainer(task(5), config(5), other, null, null));
        assertTrue(e.getMessage().contains("3x3 grids") && e.getMessage().contains("2x3"), e.getMessage());
        var img = assertThrows(IllegalArgumentException.class, () -> new Trainer(task(5), config(5), new dev.vq4j.models.data.ProceduralImages(1, 4, 8), null, null));
        assertTrue(img.getMessage().contains("code grids"), img.getMessage());
    }
}
