package dev.vq4j.models.quant;

import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Shapes;

/** Small pieces every quantiser shares: layout changes, l2 normalisation, the straight-through estimator. */
final class QuantOps {
    private QuantOps() {}

    /** Checks z is [N, D, H, W] with the expected D; errors name the quantiser and the shapes. */
    static void checkLatents(String who, Tensor z, int dim) {
        if (z.dim() != 4)
            throw new IllegalArgumentException(who + ": expected latents [N, D, H, W], got " + Shapes.str(z.shape()));
        if (z.size(1) != dim)
            throw new IllegalArgumentException(who + ": latents " + Shapes.str(z.shape()) + " have " + z.size(1) + " channels, the quantiser expects D = " + dim);
    }

    /** [N, D, H, W] -> [N, H, W, D] (a view). */
    static Tensor channelsLast(Tensor z) {
        return z.permute(0, 2, 3, 1);
    }

    /** [N, H, W, D] -> contiguous [N, D, H, W]. */
    static Tensor channelsFirst(Tensor z) {
        return z.permute(0, 3, 1, 2).contiguous();
    }

    /** x / max(‖x‖₂, 1e-12) along the last dim, as F.normalize(x, dim=-1). */
    static Tensor l2normalize(Tensor x) {
        return x.div(x.norm(2, new int[] {-1}, true).clampMin(1e-12f));
    }

    /** z + sg(q − z): the value of q, the gradient of z (van den Oord et al. 2017). */
    static Tensor straightThrough(Tensor z, Tensor q) {
        return z.add(q.sub(z).detach());
    }

    static Tensor mse(Tensor a, Tensor b) {
        return Losses.mse(a, b, Losses.Reduction.MEAN);
    }

    /** A scalar zero on z's device (quantisers without an auxiliary loss). */
    static Tensor zeroLoss(Tensor z) {
        return Tensor.scalar(z.device(), 0f);
    }

    /** Indices shaped [N, H, W] from the flattened [N·H·W] search result. */
    static void checkIndices(String who, Tensor indices, int rank) {
        if (indices.dim() != rank)
            throw new IllegalArgumentException(who + ": expected " + rank + "-D indices, got " + Shapes.str(indices.shape()));
    }
}
