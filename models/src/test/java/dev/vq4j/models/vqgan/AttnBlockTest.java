package dev.vq4j.models.vqgan;

import dev.vq4j.models.testing.PythonReference;

import dev.vq4j.autograd.Autograd;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.core.Device;
import dev.vq4j.core.Rng;
import dev.vq4j.kernels.device.DeviceTesting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AttnBlock on the fused attention op against taming's bmm + softmax formulation
 * ({@link AttnBlock#attendBmm}) in the same block: the output and the gradients of a random
 * projection of it with respect to the input and every parameter. Error per element as OpCheck,
 * |fused − bmm| / max(|bmm|, 1e-2·max|bmm|), at most 1e-4 on both host backends and 5e-4 on OpenCL.
 * Worst seen: reference 2.1e-5 (each op accumulates in double, but the bmm path rounds the score
 * matrix, the probabilities and their gradients to float32 between ops), cpu 5.8e-5 (float32
 * accumulation in different orders: the tiled online softmax against GEMM + softmax), OpenCL on PoCL
 * 8.9e-5. k's bias, whose gradient is 0 up to rounding, is held to the tolerance times the k.weight
 * gradient's scale instead.
 */
class AttnBlockTest {
    static final double TOL_REFERENCE = 1e-4, TOL_CPU = 1e-4, TOL_OPENCL = 5e-4;

    @AfterEach
    void restoreDevice() {
        Tensor.setDefaultDevice(Device.CPU);
    }

    @Test
    void fusedMatchesBmmOnReference() {
        check(Device.REFERENCE, 2, 32, 5, 7, TOL_REFERENCE);  // 35 positions: one partial tile
        check(Device.REFERENCE, 1, 32, 9, 9, TOL_REFERENCE);  // 81 positions: past one 64-wide tile
    }

    @Test
    void fusedMatchesBmmOnCpu() {
        check(Device.CPU, 2, 32, 5, 7, TOL_CPU);
        check(Device.CPU, 1, 32, 9, 9, TOL_CPU);
        check(Device.CPU, 3, 64, 8, 8, TOL_CPU);   // the training benchmark's attention (8×8 positions), batch 3
        check(Device.CPU, 2, 32, 16, 16, TOL_CPU); // 256 positions: 4×4 tiles
    }

    /** The block's forward takes the fused op on both host backends (they have the kernels), and no softmax. */
    @Test
    void forwardRunsTheFusedOp() {
        for (Device device : List.of(Device.CPU, Device.REFERENCE)) {
            Tensor.setDefaultDevice(device);
            Init.manualSeed(1);
            AttnBlock block = new AttnBlock(32);
            for (int c : new int[] {32, 256, 512}) assertTrue(AttnBlock.fusedAttention(Tensor.zeros(1).backend(), c), device + " C " + c);
            Tensor x = Tensor.randn(new Rng(2), 1, 32, 3, 4).requiresGrad(true);
            Set<String> ops = Autograd.opNames(block.forward(x));
            assertTrue(ops.contains("scaled_dot_product_attention"), device + ": " + ops);
            assertFalse(ops.contains("softmax") || ops.contains("bmm"), device + ": " + ops);
            Set<String> reference = Autograd.opNames(block.forward(x, false));
            assertTrue(reference.contains("softmax") && reference.contains("bmm"), device + ": " + reference);
        }
    }

    /**
     * OpenCL (PoCL in CI): head sizes up to 128 run on the device kernel, checked against bmm + softmax
     * on the same device; larger ones take bmm + softmax instead of the device's host fallback.
     */
    @Test
    void openClUsesItsKernelUpToItsHeadSizeLimit() {
        Device cl = DeviceTesting.require(new Device("opencl", 0)).device();
        Tensor.setDefaultDevice(cl);
        var backend = Tensor.zeros(1).backend();
        for (int c : new int[] {32, 64, 128}) assertTrue(AttnBlock.fusedAttention(backend, c), "C " + c);
        for (int c : new int[] {160, 256, 512}) assertFalse(AttnBlock.fusedAttention(backend, c), "C " + c);
        check(cl, 2, 64, 5, 7, TOL_OPENCL);
        Init.manualSeed(3);
        Tensor x = Tensor.randn(new Rng(4), 1, 256, 2, 3).requiresGrad(true);
        Set<String> ops = Autograd.opNames(new AttnBlock(256).forward(x));
        assertTrue(ops.contains("bmm") && ops.contains("softmax") && !ops.contains("scaled_dot_product_attention"), ops.toString());
    }

    private static void check(Device device, int n, int c, int h, int w, double tol) {
        Tensor.setDefaultDevice(device);
        Init.manualSeed(7);
        AttnBlock block = new AttnBlock(c);
        // q and k at N(0, 0.3²) make the logits' std ~3: a peaked softmax, not the near-uniform one of the default init
        Rng rng = new Rng(11L * c + h);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String name : List.of("q.weight", "k.weight")) state.put(name, Tensor.randn(rng, c, c, 1, 1).mul(0.3f));
        block.loadStateDict(state, false);
        Tensor x = Tensor.randn(rng, n, c, h, w).mul(2f);
        Tensor upstream = Tensor.randn(rng, n, c, h, w);
        String what = device + " [" + n + ", " + c + ", " + h + ", " + w + "]";

        Result fused = run(block, x, upstream, true), bmm = run(block, x, upstream, false);
        assertEquals(bmm.grads.keySet(), fused.grads.keySet());
        double worst = report(what + " output", bmm.out, fused.out, tol);
        for (String name : bmm.grads.keySet()) {
            if (name.equals("k.bias")) continue; // checked below
            worst = Math.max(worst, report(what + " grad " + name, bmm.grads.get(name), fused.grads.get(name), tol));
        }
        // k's bias adds q_i·b to every score of query i, which softmax cancels: its gradient is 0 up to
        // rounding in both formulations, so it is held to tol of the k.weight gradient's scale instead
        double scale = maxAbs(bmm.grads.get("k.weight"));
        for (Result r : List.of(bmm, fused)) {
            double kb = maxAbs(r.grads.get("k.bias"));
            System.out.printf("  %s grad k.bias max %.2e (%.2e of max|grad k.weight|)%n", what, kb, kb / scale);
            assertTrue(kb <= tol * scale, what + ": k.bias gradient " + kb + " is not ~0 (max|grad k.weight| " + scale + ")");
        }
        System.out.printf("attn block fused vs bmm %s: worst rel %.2e (tolerance %.0e)%n", what, worst, tol);
    }

    private record Result(Tensor out, Map<String, Tensor> grads) {}

    private static Result run(AttnBlock block, Tensor x, Tensor upstream, boolean fused) {
        block.zeroGrad();
        Tensor xi = x.detach().requiresGrad(true);
        Tensor out = block.forward(xi, fused);
        out.mul(upstream).sum().backward();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        grads.put("input", xi.grad());
        for (Map.Entry<String, Tensor> e : block.namedParameters().entrySet()) grads.put(e.getKey(), e.getValue().grad());
        return new Result(out.detach(), grads);
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (float v : t.contiguous().toFloatArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Max over elements of |a − e| / max(|e|, 1e-2·max|e|) ({@link PythonReference#relError}); asserts it is within tol. */
    private static double report(String what, Tensor expected, Tensor actual, double tol) {
        double worst = PythonReference.relError(expected, actual);
        System.out.printf("  %-40s rel %.2e%n", what, worst);
        assertTrue(maxAbs(expected) > 0, what + ": all zero");
        assertTrue(worst <= tol, what + ": relative error " + worst + " > " + tol);
        return worst;
    }
}
