package dev.vq4j.autograd.oracle;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

import java.util.function.Function;

/**
 * Finite differences as a second, independent oracle for gradients. For a random weighting w and
 * random directions v, the analytic directional derivative {@code <dL/dx, v>} of
 * {@code L = sum(f(x) * w)} must match the central difference {@code (L(x + eps v) - L(x - eps v)) / 2 eps}.
 * Float32 limits the agreement to about 1e-2 relative; the check still catches any wrong formula.
 */
public final class GradCheck {
    private GradCheck() {}

    public static void check(String name, Function<Tensor[], Tensor> f, long seed, Tensor... inputs) {
        check(name, f, seed, 1e-2, 2e-2, inputs);
    }

    public static void check(String name, Function<Tensor[], Tensor> f, long seed, double eps, double tol, Tensor... inputs) {
        Rng rng = new Rng(seed);
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < xs.length; i++) xs[i] = inputs[i].detach().requiresGrad(inputs[i].dtype().isFloatingPoint());
        Tensor out = f.apply(xs);
        Tensor w = Tensor.randn(rng, out.shape());
        out.mul(w).sum().backward();
        for (int i = 0; i < xs.length; i++) {
            if (!xs[i].dtype().isFloatingPoint()) continue;
            for (int trial = 0; trial < 3; trial++) {
                Tensor v = Tensor.randn(rng, xs[i].shape());
                double analytic = xs[i].grad() == null ? 0 : xs[i].grad().mul(v).sum().item();
                double plus, minus;
                try (var ignored = GradMode.noGrad()) {
                    plus = loss(f, xs, i, v, eps, w);
                    minus = loss(f, xs, i, v, -eps, w);
                }
                double numeric = (plus - minus) / (2 * eps);
                double scale = Math.max(Math.max(Math.abs(analytic), Math.abs(numeric)), 1e-3);
                if (Math.abs(analytic - numeric) / scale > tol)
                    throw new AssertionError(String.format("[%s] input %d: analytic directional derivative %.6g, finite difference %.6g (seed %d)",
                            name, i, analytic, numeric, seed));
            }
        }
    }

    private static double loss(Function<Tensor[], Tensor> f, Tensor[] xs, int which, Tensor v, double eps, Tensor w) {
        Tensor[] shifted = xs.clone();
        shifted[which] = xs[which].detach().add(v.mul((float) eps));
        return f.apply(shifted).mul(w).sum().item();
    }
}
