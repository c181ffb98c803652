package dev.vq4j.autograd;

import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

/** Inverted dropout: keep rate, scaling, gradient mask, determinism, eval identity, edge probabilities. */
class DropoutTest {

    /** The kept fraction is Binomial(n, 1-p)/n: within 5 standard deviations; kept values are x / (1-p). */
    @ParameterizedTest
    @ValueSource(floats = {0.1f, 0.5f, 0.8f})
    void keepsAboutOneMinusPAndScales(float p) {
        int n = 40_000;
        Tensor x = Tensor.uniform(new Rng(1), 0.5f, 2f, 200, 200);
        float[] in = x.toFloatArray(), out = Dropout.dropout(x, p, true, new Rng(42)).toFloatArray();
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (out[i] == 0f) continue;
            kept++;
            assertEquals(in[i] / (1f - p), out[i], 1e-6f * Math.abs(out[i]), "element " + i);
        }
        double sigma = Math.sqrt(p * (1 - p) / n);
        double fraction = kept / (double) n;
        assertEquals(1 - p, fraction, 5 * sigma, "kept fraction for p=" + p);
    }

    /** The gradient is the upstream gradient times the same mask and scale the forward used. */
    @Test
    void gradientIsMaskTimesScale() {
        float p = 0.3f, scale = 1f / (1f - p);
        Tensor x = Tensor.uniform(new Rng(2), 0.5f, 2f, 17, 9).requiresGrad(true);
        Tensor y = Dropout.dropout(x.transpose(0, 1), p, true, new Rng(7));
        Tensor g = Tensor.randn(new Rng(3), 9, 17);
        y.backward(g);
        float[] xt = x.detach().transpose(0, 1).contiguous().toFloatArray(), yv = y.toFloatArray(), gv = g.toFloatArray();
        float[] grad = x.grad().transpose(0, 1).contiguous().toFloatArray();
        int kept = 0;
        for (int i = 0; i < yv.length; i++) {
            boolean keep = yv[i] != 0f;
            if (keep) kept++;
            assertEquals(keep ? xt[i] * scale : 0f, yv[i], 1e-6f);
            assertEquals(keep ? gv[i] * scale : 0f, grad[i], 1e-6f, "gradient element " + i);
        }
        assertTrue(kept > 0 && kept < yv.length, "some dropped, some kept");
    }

    @Test
    void sameSeedSameMask() {
        Tensor x = Tensor.ones(64, 33);
        float[] a = Dropout.dropout(x, 0.5f, true, new Rng(9)).toFloatArray();
        float[] b = Dropout.dropout(x, 0.5f, true, new Rng(9)).toFloatArray();
        float[] c = Dropout.dropout(x, 0.5f, true, new Rng(10)).toFloatArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c), "a different seed gives a different mask");
        // consecutive calls on one generator draw fresh masks
        Rng rng = new Rng(9);
        assertFalse(java.util.Arrays.equals(Dropout.dropout(x, 0.5f, true, rng).toFloatArray(), Dropout.dropout(x, 0.5f, true, rng).toFloatArray()));
    }

    @Test
    void identityInEvalOrWithZeroP() {
        Tensor x = Tensor.randn(new Rng(4), 5, 6);
        assertSame(x, Dropout.dropout(x, 0.5f, false, new Rng(1)));
        assertSame(x, Dropout.dropout(x, 0f, true, new Rng(1)));
    }

    @Test
    void pOneGivesZerosAndZeroGradient() {
        Tensor x = Tensor.randn(new Rng(5), 4, 3).requiresGrad(true);
        Tensor y = Dropout.dropout(x, 1f, true, new Rng(1));
        assertArrayEquals(new float[12], y.toFloatArray(), 0f); // -0 where x < 0, as x * 0 in PyTorch
        y.sum().backward();
        assertArrayEquals(new float[12], x.grad().toFloatArray());
    }

    @Test
    void pOutOfRange() {
        for (float p : new float[] {-0.1f, 1.5f, Float.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Dropout.dropout(Tensor.zeros(2), p, true, new Rng(1)));
            assertTrue(e.getMessage().contains("dropout") && e.getMessage().contains("between 0 and 1"), e.getMessage());
        }
    }
}
