package dev.vq4j.autograd;

import dev.vq4j.core.DType;
import dev.vq4j.core.Device;
import dev.vq4j.core.MemoryScope;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.vq4j.autograd.ElementwiseParityTest.assertMessage;
import static org.junit.jupiter.api.Assertions.*;

/** The engine's user-facing features: given gradients, accumulation, grad(), no-grad, detach, devices, memory scopes. */
class AutogradFeaturesTest {

    private static Tensor leaf(float... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    // ---- backward ---------------------------------------------------------------------------------

    @Test
    void backwardWithAGivenGradient() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y = x.mul(x).mul(0.5f); // dy/dx = x
        Tensor g = Tensor.of(new float[] {1, -1, 2, 0, 3, 0.5f}, 2, 3);
        y.backward(g);
        assertArrayEquals(new float[] {1, -2, 6, 0, 15, 3}, x.grad().toFloatArray(), 0f);
        assertArrayEquals(new float[] {1, -1, 2, 0, 3, 0.5f}, g.toFloatArray(), 0f, "the given gradient is not modified");
    }

    @Test
    void backwardNeedsAGradientForNonScalarsOfTheRightShape() {
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        Tensor y = x.mul(2f);
        assertMessage(y::backward, "implicitly created only for scalar outputs", "[2, 3]");
        assertMessage(() -> y.backward(Tensor.ones(3, 2)), "backward", "[3, 2]", "[2, 3]");
        assertMessage(() -> Tensor.ones(2).backward(Tensor.ones(2)), "does not require grad");
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsOnDifferentGraphs() {
        Tensor x = leaf(1, 2);
        x.exp().sum().backward();
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {(float) Math.E + 2, (float) Math.exp(2) + 4}, x.grad().toFloatArray(), 1e-6f);
        Tensor firstGrad = x.grad();
        x.sum().backward();
        assertArrayEquals(new float[] {(float) Math.E + 3, (float) Math.exp(2) + 5}, x.grad().toFloatArray(), 1e-6f);
        assertNotSame(firstGrad, x.grad());
    }

    @Test
    void zeroGradDropsTheGradientAndTheNextBackwardStartsFresh() {
        Tensor x = leaf(3);
        x.mul(4f).sum().backward();
        x.zeroGrad();
        assertNull(x.grad());
        x.mul(5f).sum().backward();
        assertEquals(5f, x.grad().item());
    }

    @Test
    void leafGradientsNeverShareMemory() {
        // add passes g through unchanged to both operands; each .grad must still own its memory
        Tensor a = Tensor.zeros(2, 2).requiresGrad(true), b = Tensor.zeros(2, 2).requiresGrad(true);
        Tensor g = Tensor.ones(2, 2);
        a.add(b).backward(g);
        assertFalse(a.grad().sharesMemoryWith(b.grad()), "a.grad and b.grad are one buffer");
        assertFalse(a.grad().sharesMemoryWith(g), "a.grad aliases the caller's gradient");
        try (var ignored = GradMode.noGrad()) {
            a.grad().mulInPlace(0.5f); // e.g. gradient clipping
        }
        assertArrayEquals(new float[] {1, 1, 1, 1}, b.grad().toFloatArray(), 0f);
        assertArrayEquals(new float[] {1, 1, 1, 1}, g.toFloatArray(), 0f);
        Tensor c = Tensor.zeros(4).requiresGrad(true), d = Tensor.zeros(2, 2).requiresGrad(true);
        c.view(2, 2).add(d).sum().backward();
        assertFalse(c.grad().sharesMemoryWith(d.grad()), "views of one gradient buffer");
    }

    @Test
    void graphIsFreedAfterBackwardUnlessRetained() {
        Tensor x = leaf(1, 2);
        Tensor h = x.exp();
        Tensor y = h.sum();
        y.backward();
        assertMessage(y::backward, "second time", "retainGraph");
        // a new graph that reuses the freed part fails the same way
        assertMessage(() -> h.mul(2f).sum().backward(), "second time");
        Tensor x2 = leaf(1, 2);
        Tensor y2 = x2.exp().sum();
        y2.backward(null, true);
        y2.backward(null, true);
        y2.backward();
        assertArrayEquals(new float[] {3 * (float) Math.E, 3 * (float) Math.exp(2)}, x2.grad().toFloatArray(), 1e-5f);
        assertThrows(IllegalStateException.class, y2::backward);
    }

    // ---- grad() ----------------------------------------------------------------------------------------

    @Test
    void gradReturnsGradientsWithoutTouchingDotGrad() {
        Tensor w = leaf(1, -2, 3);
        Tensor b = leaf(0.5f);
        Tensor h = w.mul(w).add(b); // non-leaf
        Tensor loss = h.sum().mul(3f);
        List<Tensor> g = Autograd.grad(List.of(loss), Arrays.asList((Tensor) null), List.of(w, h, b), false, false);
        assertArrayEquals(new float[] {6, -12, 18}, g.get(0).toFloatArray(), 0f);
        assertArrayEquals(new float[] {3, 3, 3}, g.get(1).toFloatArray(), 0f);
        assertArrayEquals(new float[] {9}, g.get(2).toFloatArray(), 0f);
        assertNull(w.grad());
        assertNull(b.grad());
        assertNull(h.grad());
        assertMessage(loss::backward, "second time");
    }

    @Test
    void gradWithAGivenGradientAndSeveralOutputs() {
        Tensor x = leaf(1, 2);
        Tensor y1 = x.mul(2f), y2 = x.mul(x);
        List<Tensor> g = Autograd.grad(List.of(y1, y2), List.of(Tensor.of(new float[] {1, 10}, 2), Tensor.of(new float[] {1, 1}, 2)),
                List.of(x), false, false);
        assertArrayEquals(new float[] {2 + 2, 20 + 4}, g.get(0).toFloatArray(), 0f);
        assertNull(x.grad());
    }

    @Test
    void gradOfAnUnusedInput() {
        Tensor x = leaf(1), unused = leaf(2);
        Tensor y = x.mul(3f).sum();
        assertMessage(() -> Autograd.grad(List.of(y), Arrays.asList((Tensor) null), List.of(x, unused), true, false), "input 1", "not used");
        List<Tensor> g = Autograd.grad(List.of(y), Arrays.asList((Tensor) null), List.of(x, unused), true, true);
        assertEquals(3f, g.get(0).item());
        assertEquals(0f, g.get(1).item());
        assertMessage(() -> Autograd.grad(List.of(y), Arrays.asList((Tensor) null), List.of(Tensor.ones(1)), true, true), "does not require grad");
    }

    // ---- no-grad, detach, straight-through ----------------------------------------------------------

    @Test
    void noGradScopesNestRestoreAndSurviveExceptions() {
        Tensor x = leaf(1);
        try (var outer = GradMode.noGrad()) {
            assertFalse(GradMode.isEnabled());
            try (var inner = GradMode.enableGrad()) {
                assertTrue(GradMode.isEnabled());
                assertTrue(x.mul(2f).requiresGrad(), "enableGrad inside noGrad records");
            }
            assertFalse(GradMode.isEnabled());
            Tensor y = x.mul(2f).exp();
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf());
        }
        assertTrue(GradMode.isEnabled());
        assertThrows(IllegalStateException.class, () -> {
            try (var s = GradMode.noGrad()) {
                throw new IllegalStateException("inside");
            }
        });
        assertTrue(GradMode.isEnabled(), "restored after an exception");
    }

    @Test
    void detachSharesMemoryAndCutsTheGraph() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(3f);
        Tensor d = y.detach();
        assertTrue(d.sharesMemoryWith(y));
        assertFalse(d.requiresGrad());
        assertNull(d.gradFn());
        assertNotNull(y.gradFn());
        Tensor z = d.mul(x).sum(); // only the x path is differentiated
        z.backward();
        assertArrayEquals(new float[] {3, 6}, x.grad().toFloatArray(), 0f);
        d.fillInPlace(7);
        assertArrayEquals(new float[] {7, 7}, y.toFloatArray(), 0f, "detach is a view, not a copy");
    }

    @Test
    void straightThroughEstimatorPassesGradientOne() {
        Tensor x = Tensor.of(new float[] {0.2f, 0.9f, -1.4f, 2.6f}, 2, 2).requiresGrad(true);
        Tensor q = x.detach().add(0.5f).to(DType.INT64).to(DType.FLOAT32); // rounding: no gradient of its own
        Tensor st = x.add(q.sub(x).detach());
        assertArrayEquals(q.toFloatArray(), st.toFloatArray(), 0f);
        st.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1}, x.grad().toFloatArray(), 0f);
    }

    @Test
    void inPlaceOnALeafThatRequiresGradIsRefused() {
        Tensor x = leaf(1, 2);
        assertMessage(() -> x.fillInPlace(0), "fill", "leaf", "requires grad");
        Tensor y = x.mul(2f);
        assertMessage(() -> y.mulInPlace(2f), "mul_", "graph");
        try (var ignored = GradMode.noGrad()) {
            x.addInPlace(Tensor.ones(2), -1f);
        }
        assertArrayEquals(new float[] {0, 1}, x.toFloatArray(), 0f);
        assertMessage(() -> Tensor.ofLongs(new long[] {1}, 1).requiresGrad(true), "only float32", "int64");
    }

    // ---- devices -------------------------------------------------------------------------------------

    @Test
    void mixingDevicesFailsClearly() {
        Tensor a = Tensor.ones(2, 3), b = Tensor.ones(Device.REFERENCE, 2, 3);
        assertEquals(Device.CPU, a.device());
        assertEquals(Device.REFERENCE, b.device());
        assertMessage(() -> a.add(b), "add: expected all tensors to be on the same device, but found at least two devices, cpu and reference");
        assertMessage(() -> a.matmul(b.t()), "matmul", "same device");
        assertMessage(() -> Shaping.cat(List.of(a, b), 0), "cat", "same device");
        assertMessage(() -> Elementwise.where(a.gt(0f), a, b), "where", "same device");
        assertMessage(() -> Indexing.indexSelect(a, 0, Tensor.ofLongs(Device.REFERENCE, new long[] {0}, 1)), "index_select", "same device");
        assertMessage(() -> Indexing.scatterAdd(a, 0, Tensor.ofLongs(new long[] {0}, 1, 1), Tensor.ones(Device.REFERENCE, 1, 1)),
                "scatter_add", "same device");
    }

    @Test
    void toDeviceCopiesAndIsDifferentiable() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor r = x.to(Device.REFERENCE);
        assertEquals(Device.REFERENCE, r.device());
        assertFalse(r.sharesMemoryWith(x));
        assertArrayEquals(x.toFloatArray(), r.toFloatArray(), 0f);
        assertSame(x, x.to(Device.CPU), "already there: no copy");
        Tensor y = r.mul(r).to(Device.CPU).mul(Tensor.of(new float[] {1, 10, 100}, 3)).sum();
        assertEquals(Device.CPU, y.device());
        y.backward();
        assertEquals(Device.CPU, x.grad().device());
        assertArrayEquals(new float[] {2, 40, 600}, x.grad().toFloatArray(), 0f);
        Tensor t = Tensor.arange(6).reshape(2, 3).t().to(Device.REFERENCE); // non-contiguous source
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray(), 0f);
    }

    @Test
    void referenceAndCpuAgree() {
        Tensor x = Tensor.randn(new dev.vq4j.core.Rng(1), 4, 5);
        Tensor w = Tensor.randn(new dev.vq4j.core.Rng(2), 5, 3);
        Tensor onCpu = x.matmul(w).gelu().sum(1, false);
        Tensor onRef = x.to(Device.REFERENCE).matmul(w.to(Device.REFERENCE)).gelu().sum(1, false);
        // the cpu GEMM accumulates in float, the reference in double: equal to float rounding
        assertArrayEquals(onRef.toFloatArray(), onCpu.toFloatArray(), 1e-5f);
    }

    // ---- memory scopes -------------------------------------------------------------------------------

    @Test
    void memoryScopeReleasesBuffersAndUseAfterReleaseIsAClearError() {
        Tensor outside = Tensor.ones(3);
        Tensor inside, kept;
        try (MemoryScope scope = MemoryScope.open()) {
            inside = outside.mul(2f);
            kept = outside.add(1f).keep();
            assertTrue(scope.size() >= 1);
            assertArrayEquals(new float[] {2, 2, 2}, inside.toFloatArray(), 0f);
        }
        assertArrayEquals(new float[] {1, 1, 1}, outside.toFloatArray(), 0f, "allocated outside: untouched");
        assertArrayEquals(new float[] {2, 2, 2}, kept.toFloatArray(), 0f, "kept: survives");
        assertMessage(inside::toFloatArray, "used after its memory was released", "[3]");
        assertMessage(() -> inside.add(outside), "released");
        assertTrue(inside.toString().contains("released"), inside.toString());
    }

    @Test
    void nestedScopesHandKeptBuffersToTheParent() {
        Tensor survivor;
        Tensor keptOnce;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope inner = MemoryScope.open()) {
                keptOnce = Tensor.ones(2).keep();
            }
            assertArrayEquals(new float[] {1, 1}, keptOnce.toFloatArray(), 0f, "kept into the outer scope");
            survivor = keptOnce.mul(5f).keep();
        }
        assertMessage(keptOnce::toFloatArray, "released");
        assertArrayEquals(new float[] {5, 5}, survivor.toFloatArray(), 0f);
    }

    @Test
    void closingATensorReleasesItsViewsToo() {
        Tensor x = Tensor.arange(6).reshape(2, 3);
        Tensor v = x.t();
        x.close();
        assertMessage(v::toFloatArray, "released");
        x.close(); // idempotent
    }

    @Test
    void aTrainingStepInsideAScopeKeepsParametersAndTheirGradients() {
        Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        for (int step = 0; step < 3; step++) {
            try (MemoryScope s = MemoryScope.open()) {
                Tensor loss = w.mul(w).sum();
                loss.backward();
                w.grad().keep();
                try (var ignored = GradMode.noGrad()) {
                    w.addInPlace(w.grad(), -0.25f);
                }
                w.zeroGrad();
            }
        }
        assertArrayEquals(new float[] {0.125f, 0.25f}, w.toFloatArray(), 0f);
    }
}
