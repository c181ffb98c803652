package dev.vq4j.autograd;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The engine's contract: accumulation, retain_graph, grad(), no-grad, detach, straight-through. */
class AutogradEngineTest {

    @Test
    void chainRuleThroughSharedSubexpression() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor y = x.mul(x).add(x.mul(3f)).sum(); // sum(x^2 + 3x), dy/dx = 2x + 3
        y.backward();
        assertArrayEquals(new float[] {5, 7, 9}, x.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = Tensor.of(new float[] {2}, 1).requiresGrad(true);
        x.mul(3f).sum().backward();
        x.mul(3f).sum().backward();
        assertEquals(6f, x.grad().item(), 1e-6f);
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void secondBackwardWithoutRetainFailsAndWithRetainWorks() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor y = x.exp().sum();
        y.backward(null, true);
        y.backward(null, false);
        assertArrayEquals(new float[] {(float) (2 * Math.E), (float) (2 * Math.exp(2))}, x.grad().toFloatArray(), 1e-5f);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
    }

    @Test
    void gradWithRespectToChosenTensorsLeavesDotGradAlone() {
        Tensor w = Tensor.of(new float[] {1, -2}, 2).requiresGrad(true);
        Tensor h = w.mul(w); // non-leaf
        Tensor loss = h.sum().mul(2f);
        List<Tensor> g = Autograd.grad(List.of(loss), java.util.Arrays.asList((Tensor) null), List.of(h, w), true, false);
        assertArrayEquals(new float[] {2, 2}, g.get(0).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {4, -8}, g.get(1).toFloatArray(), 1e-6f);
        assertNull(w.grad());
    }

    @Test
    void noGradScopeRecordsNothingAndRestores() {
        Tensor x = Tensor.of(new float[] {1}, 1).requiresGrad(true);
        try (var ignored = GradMode.noGrad()) {
            Tensor y = x.mul(2f);
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
        }
        assertTrue(GradMode.isEnabled());
        assertTrue(x.mul(2f).requiresGrad());
    }

    @Test
    void straightThroughEstimatorPassesGradientUnchanged() {
        Tensor z = Tensor.of(new float[] {0.2f, 0.9f, -1.4f}, 3).requiresGrad(true);
        Tensor q = Tensor.of(new float[] {0f, 1f, -1f}, 3); // "quantised" values
        Tensor st = z.add(q.sub(z).detach());
        assertArrayEquals(q.toFloatArray(), st.toFloatArray(), 0f);
        st.mul(Tensor.of(new float[] {1, 2, 3}, 3)).sum().backward();
        assertArrayEquals(new float[] {1, 2, 3}, z.grad().toFloatArray(), 0f);
    }

    @Test
    void broadcastGradientIsSummedBackToOperandShape() {
        Tensor a = Tensor.ones(2, 3).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        a.mul(b).sum().backward();
        assertArrayEquals(new int[] {3}, b.grad().shape());
        assertArrayEquals(new float[] {2, 2, 2}, b.grad().toFloatArray(), 0f);
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, a.grad().toFloatArray(), 0f);
    }

    @Test
    void viewsShareMemoryAndReshapeCopiesOnlyWhenNeeded() {
        Tensor x = Tensor.arange(12).reshape(3, 4);
        Tensor t = x.t();
        assertTrue(t.sharesMemoryWith(x));
        assertFalse(t.isContiguous());
        assertThrows(IllegalStateException.class, () -> t.view(12));
        Tensor r = t.reshape(12);
        assertFalse(r.sharesMemoryWith(x));
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, r.toFloatArray(), 0f);
    }

    @Test
    void errorsNameTheOpAndShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertTrue(e.getMessage().contains("2x3 and 4x5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().startsWith("add:") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
