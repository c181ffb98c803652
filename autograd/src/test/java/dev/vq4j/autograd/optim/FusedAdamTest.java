package dev.vq4j.autograd.optim;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adam's one-pass kernel (Backend.adamStep, used for contiguous parameters) and its composite form
 * (ten tensor ops, used for a non-contiguous parameter) give the same trajectory: the same values
 * stored once transposed, five steps, every variant (L2 decay, AMSGrad, AdamW). Both are checked
 * against PyTorch in OptimizerParityTest; this pins them to each other within float rounding (1e-6).
 */
class FusedAdamTest {
    private static float[] run(boolean transposedStorage, Function<List<Tensor>, Optimizer> make) {
        Rng rng = new Rng(9);
        Tensor base = Tensor.randn(rng, 5, 7);
        Tensor p = transposedStorage ? base.t().contiguous().t().detach().requiresGrad(true) : base.clone().detach().requiresGrad(true);
        assertTrue(p.isContiguous() != transposedStorage);
        Optimizer opt = make.apply(List.of(p));
        Rng data = new Rng(3);
        for (int step = 0; step < 5; step++) {
            opt.zeroGrad();
            Tensor target = Tensor.randn(data, 5, 7);
            p.sub(target).square().mul(p.tanh().add(2f)).mean().backward();
            opt.step();
        }
        return p.contiguous().toFloatArray();
    }

    @Test
    void fusedAndCompositeAdamAgree() {
        List<Function<List<Tensor>, Optimizer>> variants = List.of(
                ps -> new Adam(ps, 0.05),
                ps -> new Adam(ps, 0.05).weightDecay(0.1).amsgrad(true),
                ps -> new AdamW(ps, 0.05).weightDecay(0.2).betas(0.5, 0.9));
        for (Function<List<Tensor>, Optimizer> v : variants) {
            float[] fused = run(false, v), composite = run(true, v);
            for (int i = 0; i < fused.length; i++)
                assertTrue(Math.abs(fused[i] - composite[i]) <= 1e-6 * Math.max(1, Math.abs(composite[i])),
                        "element " + i + ": fused " + fused[i] + ", composite " + composite[i]);
        }
    }
}
