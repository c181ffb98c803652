package dev.vq4j.autograd.optim;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Reductions;
import dev.vq4j.autograd.Tensor;

import java.util.Collection;

/** Gradient clipping, as torch.nn.utils.clip_grad_norm_. */
public final class GradClipping {
    private GradClipping() {}

    /** {@link #clipGradNorm(Collection, double, double)} with the 2-norm. */
    public static double clipGradNorm(Collection<Tensor> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2.0);
    }

    /**
     * Scales all gradients together so that their joint p-norm (every gradient flattened into one
     * vector; p = infinity for the largest magnitude) is at most maxNorm: each gradient is multiplied
     * by min(1, maxNorm / (total + 1e-6)). Parameters without a gradient are skipped. Returns the
     * total norm before clipping. The scaled gradients are new tensors (never modified in place, as
     * gradients may share memory).
     */
    public static double clipGradNorm(Collection<Tensor> params, double maxNorm, double normType) {
        if (!(normType > 0)) throw new IllegalArgumentException("clip_grad_norm: norm type must be positive, got " + normType);
        double total = 0;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                double n = Reductions.norm(g, normType, allDims(g), false).item();
                total = Double.isInfinite(normType) ? Math.max(total, n) : total + Math.pow(n, normType);
            }
            if (!Double.isInfinite(normType)) total = Math.pow(total, 1 / normType);
            double coef = maxNorm / (total + 1e-6);
            if (coef < 1)
                for (Tensor p : params) if (p.grad() != null) p.setGrad(p.grad().mul((float) coef));
        }
        return total;
    }

    private static int[] allDims(Tensor t) {
        int[] d = new int[t.dim()];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }
}
