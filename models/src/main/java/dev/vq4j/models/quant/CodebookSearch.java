package dev.vq4j.models.quant;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;

/**
 * Nearest-code search: argmin_k ‖z − e_k‖² for every row of z. The one place a fused kernel
 * (distances and argmin in one pass, without the [M, K] matrix) can replace the reference below.
 */
public final class CodebookSearch {
    private CodebookSearch() {}

    /**
     * @param z        [M, D] latents (no gradient is recorded)
     * @param codebook [K, D]
     * @return int64 [M] index of the nearest code (lowest index on ties, as torch.argmin)
     */
    public static Tensor nearest(Tensor z, Tensor codebook) {
        if (z.dim() != 2 || codebook.dim() != 2 || z.size(1) != codebook.size(1))
            throw new IllegalArgumentException("codebook search: latents " + z.shapeString() + " and codebook " + codebook.shapeString()
                    + " must be [M, D] and [K, D] with the same D");
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            // ‖z‖² − 2 z·e + ‖e‖²; ‖z‖² is constant per row, kept so the distances are true ones.
            Tensor zz = z.square().sum(1, true);
            Tensor ee = codebook.square().sum(1, false);
            Tensor d = zz.add(ee).sub(z.matmul(codebook.t()).mul(2f));
            return d.argmin(1, false);
        }
    }

    /** Squared distances [M, K] (for k-means and tests). */
    public static Tensor distances(Tensor z, Tensor codebook) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return z.square().sum(1, true).add(codebook.square().sum(1, false)).sub(z.matmul(codebook.t()).mul(2f));
        }
    }
}
