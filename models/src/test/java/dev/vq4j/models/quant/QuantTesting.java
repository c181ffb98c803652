package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

import static org.junit.jupiter.api.Assertions.*;

/** Checks every quantiser must pass: shapes, index range, decode(indices) == quantized, identity straight-through. */
final class QuantTesting {
    private QuantTesting() {}

    static Tensor latents(long seed, int n, int d, int h, int w) {
        return Tensor.randn(new Rng(seed), n, d, h, w).requiresGrad(true);
    }

    /** Runs quantize on z and checks the common contract; returns the output. */
    static Quantizer.Output checkContract(Quantizer q, Tensor z, int indexRank) {
        Quantizer.Output o = q.quantize(z);
        assertArrayEquals(z.shape(), o.quantized().shape(), "quantized shape");
        assertEquals(1, o.loss().numel(), "loss is a scalar");
        assertTrue(Float.isFinite(o.loss().item()));
        int[] s = z.shape();
        assertEquals(indexRank, o.indices().dim());
        assertArrayEquals(new int[] {s[0], s[2], s[3]}, java.util.Arrays.copyOf(o.indices().shape(), 3), "indices shape");
        for (long i : o.indices().toLongArray()) assertTrue(i >= -1 && i < q.codebookSize(), "index " + i + " out of range");
        assertArrayEquals(o.quantized().toFloatArray(), q.decode(o.indices()).toFloatArray(), 1e-6f, "decode(indices) == quantized");
        return o;
    }

    /** d quantized / d z = identity: backprop g through quantized only, z.grad must equal g. */
    static void checkStraightThrough(Quantizer q, Tensor z) {
        z.zeroGrad();
        Quantizer.Output o = q.quantize(z);
        Tensor g = Tensor.randn(new Rng(99), z.shape());
        o.quantized().backward(g);
        assertArrayEquals(g.toFloatArray(), z.grad().toFloatArray(), 0f);
    }
}
