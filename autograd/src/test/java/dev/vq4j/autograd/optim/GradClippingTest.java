package dev.vq4j.autograd.optim;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** clip_grad_norm_ against a direct computation of the joint norm and the scale. */
class GradClippingTest {

    private static Tensor paramWithGrad(Tensor grad) {
        Tensor p = Tensor.zeros(grad.shape()).requiresGrad(true);
        p.setGrad(grad);
        return p;
    }

    @Test
    void scalesAllGradientsByTheJointNorm() {
        Rng rng = new Rng(1);
        Tensor g1 = Tensor.randn(rng, 3, 4), g2 = Tensor.randn(rng, 5);
        List<Tensor> params = List.of(paramWithGrad(g1), paramWithGrad(g2), Tensor.zeros(2).requiresGrad(true)); // the last has no grad
        double expected = 0;
        for (Tensor g : List.of(g1, g2)) for (float v : g.toFloatArray()) expected += (double) v * v;
        expected = Math.sqrt(expected);
        double total = GradClipping.clipGradNorm(params, 1.5);
        assertEquals(expected, total, 1e-6 * expected);
        double scale = 1.5 / (expected + 1e-6);
        float[] a = g1.toFloatArray(), b = params.get(0).grad().toFloatArray();
        for (int i = 0; i < a.length; i++) assertEquals(a[i] * scale, b[i], 1e-6);
        double clipped = 0;
        for (Tensor p : params.subList(0, 2)) for (float v : p.grad().toFloatArray()) clipped += (double) v * v;
        assertEquals(1.5, Math.sqrt(clipped), 1e-5);
        assertNull(params.get(2).grad());
        assertNotSame(g1, params.get(0).grad(), "gradients are replaced, not modified (they may share memory)");
        assertArrayEquals(a, g1.toFloatArray());
    }

    @Test
    void leavesSmallGradientsAlone() {
        Tensor g = Tensor.of(new float[] {0.3f, -0.4f});
        Tensor p = paramWithGrad(g);
        assertEquals(0.5, GradClipping.clipGradNorm(List.of(p), 1.0), 1e-7);
        assertSame(g, p.grad());
    }

    @Test
    void infinityNormIsTheLargestMagnitude() {
        Tensor p = paramWithGrad(Tensor.of(new float[] {0.5f, -4f, 2f})), q = paramWithGrad(Tensor.of(new float[] {3f}));
        assertEquals(4.0, GradClipping.clipGradNorm(List.of(p, q), 2.0, Double.POSITIVE_INFINITY), 1e-7);
        assertArrayEquals(new float[] {0.25f, -2f, 1f}, p.grad().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1.5f}, q.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void oneNormSumsMagnitudes() {
        Tensor p = paramWithGrad(Tensor.of(new float[] {1f, -2f})), q = paramWithGrad(Tensor.of(new float[] {3f}));
        assertEquals(6.0, GradClipping.clipGradNorm(List.of(p, q), 3.0, 1.0), 1e-6);
        assertArrayEquals(new float[] {0.5f, -1f}, p.grad().toFloatArray(), 1e-6f);
    }
}
