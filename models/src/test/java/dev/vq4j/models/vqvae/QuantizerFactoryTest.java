package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.quant.EmaVectorQuantizer;
import dev.vq4j.models.quant.FactorizedVectorQuantizer;
import dev.vq4j.models.quant.FiniteScalarQuantizer;
import dev.vq4j.models.quant.LookupFreeQuantizer;
import dev.vq4j.models.quant.ResidualVectorQuantizer;
import dev.vq4j.models.quant.VectorQuantizer;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.VqVaeTask;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Every quantiser kind builds from a config, trains a few steps, and round-trips through a checkpoint. */
class QuantizerFactoryTest {
    static final TestImages DATA = new TestImages(3, 24, 3, 8);

    static VqVaeConfig config(String json) {
        return VqVaeConfig.fromJson("{\"hidden_channels\": 8, \"residual_channels\": 4, \"residual_layers\": 1, \"downsample\": 2, " + json + "}");
    }

    static TrainConfig train(int steps) {
        return new TrainConfig("builtin", 8, 24, 8, steps, 4, "adam", 1e-2, 1e-3, 1, 0, 1.0, 5, 1, 0, 0, 1);
    }

    @Test
    void everyKindTrainsAndRoundTripsThroughACheckpoint(@TempDir Path tmp) {
        Map<String, Class<?>> kinds = new LinkedHashMap<>();
        kinds.put("\"quantizer\": \"vq\", \"codebook_size\": 8, \"code_dim\": 4, \"kmeans_iters\": 2, \"dead_code_threshold\": 0.5", VectorQuantizer.class);
        kinds.put("\"quantizer\": \"ema\", \"codebook_size\": 8, \"code_dim\": 4, \"dead_code_threshold\": 1, \"ema_decay\": 0.9", EmaVectorQuantizer.class);
        kinds.put("\"quantizer\": \"cosine\", \"codebook_size\": 8, \"code_dim\": 4", VectorQuantizer.class);
        kinds.put("\"quantizer\": \"factorized\", \"codebook_size\": 16, \"code_dim\": 8, \"factor_dim\": 2", FactorizedVectorQuantizer.class);
        kinds.put("\"quantizer\": \"residual\", \"codebook_size\": 8, \"code_dim\": 4, \"stages\": 3, \"quantize_dropout\": true", ResidualVectorQuantizer.class);
        kinds.put("\"quantizer\": \"fsq\", \"levels\": [5, 4, 3]", FiniteScalarQuantizer.class);
        kinds.put("\"quantizer\": \"lfq\", \"code_dim\": 5", LookupFreeQuantizer.class);
        int i = 0;
        for (Map.Entry<String, Class<?>> e : kinds.entrySet()) {
            VqVaeConfig c = config(e.getKey());
            assertEquals(c, VqVaeConfig.fromJson(c.toJson()), "JSON round trip of " + e.getKey());
            Path run = tmp.resolve("run" + i++);
            Trainer t = new Trainer(Trainer.newModel(c, 3), train(3), DATA, DATA, run);
            Trainer.Result r = t.run(null);
            assertEquals(3, r.finalStep());
            VqVae trained = ((VqVaeTask) t.task()).vqvae();
            assertInstanceOf(e.getValue(), trained.quantizer(), e.getKey());
            assertTrue(r.lastTokenizerEval().usage() > 0, e.getKey());
            Checkpoints.Info info = Checkpoints.info(run);
            assertEquals(c, info.vqvaeConfig(), e.getKey());
            ImageTokenizer loaded = ImageTokenizer.load(run);
            Tensor x = DATA.batch(new int[] {0, 1});
            assertArrayEquals(trained.encodeImages(x).toLongArray(), loaded.encodeImages(x).toLongArray(), e.getKey());
            assertArrayEquals(trained.reconstructImages(x).images().toFloatArray(), loaded.reconstructImages(x).images().toFloatArray(), e.getKey());
        }
    }

    @Test
    void cosineIsShorthandAndKindDefaultsFollow() {
        VqVaeConfig c = config("\"quantizer\": \"cosine\"");
        assertEquals("vq", c.quantizer());
        assertTrue(c.options().cosine());
        VqVaeConfig fsq = config("\"quantizer\": \"fsq\"");
        assertEquals(List.of(8, 5, 5, 5), fsq.options().levels());
        assertEquals(4, fsq.codeDim());
        assertEquals(1000, fsq.codebookSize());
        assertEquals(256, config("\"quantizer\": \"lfq\", \"code_dim\": 8").codebookSize());
        assertEquals(4, config("\"quantizer\": \"residual\"").options().stages());
        assertEquals(1, config("\"quantizer\": \"vq\"").options().stages());
    }

    @Test
    void combinationsThatDoNotFitGiveOneLine() {
        bad("\"quantizer\": \"fsq\", \"dead_code_threshold\": 1", "VqVaeConfig: dead_code_threshold does not apply to the fsq quantizer (only to vq, ema, residual, factorized)");
        bad("\"quantizer\": \"vq\", \"levels\": [8, 5]", "VqVaeConfig: levels does not apply to the vq quantizer (only to fsq)");
        bad("\"quantizer\": \"vq\", \"stages\": 2", "VqVaeConfig: stages does not apply to the vq quantizer (only to residual)");
        bad("\"quantizer\": \"fsq\", \"levels\": [8, 5], \"code_dim\": 3", "VqVaeConfig: fsq with levels [8, 5] quantises 2 channels, so code_dim must be 2, got 3");
        bad("\"quantizer\": \"fsq\", \"levels\": [8, 1]", "VqVaeConfig: fsq levels must each be in 2..65536, got [8, 1]");
        bad("\"quantizer\": \"lfq\", \"code_dim\": 4, \"codebook_size\": 10", "VqVaeConfig: lfq with code_dim 4 has 2^4 = 16 codes, so codebook_size must be 16, got 10");
        bad("\"quantizer\": \"lfq\", \"code_dim\": 20", "VqVaeConfig: lfq code_dim must be <= 16 (2^code_dim codes), got 20");
        bad("\"quantizer\": \"ema\", \"legacy\": true", "VqVaeConfig: legacy applies only to the vq quantizer, not ema");
        bad("\"quantizer\": \"ema\", \"ema_decay\": 1", "VqVaeConfig: ema_decay must be in [0, 1), got 1.0");
        bad("\"quantizer\": \"vq\", \"dead_code_threshold\": -1", "VqVaeConfig: dead_code_threshold must be a finite number >= 0, got -1.0");
        bad("\"quantizer\": \"factorized\", \"code_dim\": 4, \"factor_dim\": 8", "VqVaeConfig: factorized factor_dim (8) must be <= code_dim (4)");
        bad("\"quantizer\": \"pq\"", "VqVaeConfig: unknown quantizer \"pq\" (one of [vq, ema, cosine, factorized, residual, fsq, lfq])");
    }

    private static void bad(String json, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> config(json), json);
        assertEquals(message, e.getMessage());
    }
}
