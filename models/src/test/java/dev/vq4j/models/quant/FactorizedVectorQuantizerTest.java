package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FactorizedVectorQuantizerTest {
    @Test
    void contractUnitCodesAndGradients() {
        FactorizedVectorQuantizer q = new FactorizedVectorQuantizer(32, 6, 3, 0.25f, new Rng(1));
        Tensor z = QuantTesting.latents(2, 2, 6, 4, 3);
        Quantizer.Output o = QuantTesting.checkContract(q, z, 3);
        assertEquals(3, q.codeDim());
        // looked-up codes are unit vectors
        Tensor inner = q.inner().decode(o.indices());
        Tensor norms = inner.square().sum(1, false).sqrt();
        for (float v : norms.toFloatArray()) assertEquals(1f, v, 1e-5f);
        // the output is proj_out(code): gradient reaches z through proj_in, and both projections and the codebook train
        o.quantized().sum().add(o.loss()).backward();
        assertNotNull(z.grad());
        assertTrue(z.grad().abs().sum().item() > 0);
        for (var e : q.namedParameters().entrySet()) assertNotNull(e.getValue().grad(), e.getKey());
        assertTrue(q.stateDict().containsKey("vq.embedding.weight"));
        assertTrue(q.stateDict().containsKey("proj_in.weight"));
    }
}
