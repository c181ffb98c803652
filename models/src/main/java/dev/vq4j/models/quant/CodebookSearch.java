package dev.vq4j.models.quant;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;

/**
 * Nearest-code search for the quantisers: argmin_k ‖z − e_k‖² for every row of z, through the
 * backend's fused kernel ({@link dev.vq4j.autograd.CodebookSearch}: distances and argmin in one
 * pass, the [M, K] distance matrix never written).
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
            return dev.vq4j.autograd.CodebookSearch.nearest(z.detach(), codebook.detach()).indices();
        }
    }

    /** Squared distances [M, K] (for k-means and tests). */
    public static Tensor distances(Tensor z, Tensor codebook) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return z.square().sum(1, true).add(codebook.square().sum(1, false)).sub(z.matmul(codebook.t()).mul(2f));
        }
    }
}
