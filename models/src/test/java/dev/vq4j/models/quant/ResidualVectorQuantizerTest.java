package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ResidualVectorQuantizerTest {
    @Test
    void contractAndStraightThrough() {
        ResidualVectorQuantizer q = new ResidualVectorQuantizer(3, 8, 4, 0.25f, new Rng(1));
        Tensor z = QuantTesting.latents(2, 2, 4, 3, 5);
        Quantizer.Output o = QuantTesting.checkContract(q, z, 4);
        assertArrayEquals(new int[] {2, 3, 5, 3}, o.indices().shape());
        QuantTesting.checkStraightThrough(q, z);
        assertTrue(q.stateDict().containsKey("layers.2.embedding.weight"), q.stateDict().keySet().toString());
        // the loss trains every stage's codebook
        z.zeroGrad();
        q.quantize(z).loss().backward();
        for (int s = 0; s < 3; s++) assertNotNull(q.stage(s).codebook().grad(), "stage " + s + " codebook gradient");
    }

    @Test
    void errorFallsAsStagesIncrease() {
        List<VectorQuantizer> stages = new ArrayList<>();
        for (int s = 0; s < 4; s++) stages.add(new VectorQuantizer(16, 3, 0.25f, false, new Rng(s)).kmeansInit(8));
        ResidualVectorQuantizer q = new ResidualVectorQuantizer(stages, new Rng(5));
        Tensor z = Tensor.randn(new Rng(6), 4, 3, 8, 8);
        q.quantize(z); // training mode: each stage k-means-initialises on its residual
        q.eval();
        double previous = Double.POSITIVE_INFINITY;
        for (int active = 1; active <= 4; active++) {
            Quantizer.Output o = q.quantize(z, active);
            double err = o.quantized().sub(z).square().mean().item();
            assertTrue(err < previous, active + " stages: error " + err + " not below " + previous);
            previous = err;
            assertArrayEquals(o.quantized().toFloatArray(), q.decode(o.indices()).toFloatArray(), 1e-5f);
        }
        assertTrue(previous < 0.25, "4 stages of 16 codes should fit well: " + previous);
    }

    @Test
    void quantizeDropoutUsesARandomPrefixOfStages() {
        ResidualVectorQuantizer q = new ResidualVectorQuantizer(4, 8, 2, 0.25f, new Rng(1)).quantizeDropout(true);
        Tensor z = QuantTesting.latents(1, 2, 2, 3, 3);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int t = 0; t < 20; t++) {
            Quantizer.Output o = q.quantize(z);
            long[] idx = o.indices().toLongArray();
            int active = 0;
            for (int s = 0; s < 4; s++) if (idx[s] >= 0) active = s + 1;
            for (int p = 0; p < idx.length; p++) assertEquals(p % 4 < active, idx[p] >= 0, "a prefix of stages is active");
            assertTrue(active >= 1);
            seen.add(active);
            assertArrayEquals(o.quantized().toFloatArray(), q.decode(o.indices()).toFloatArray(), 1e-5f);
        }
        assertTrue(seen.size() > 1, "dropout varies the number of stages: " + seen);
        q.eval();
        for (long i : q.quantize(z).indices().toLongArray()) assertTrue(i >= 0, "no dropout in eval mode");
    }
}
