package dev.vq4j.autograd;

import dev.vq4j.core.DType;

/**
 * Nearest-codebook search, the lookup of a vector quantiser: for query rows x [N,D] and codes
 * [K,D], the index of the closest code(s) and the distance to it, without forming the N×K distance
 * matrix (backend kernel {@code nearestCodes}). Equivalent PyTorch:
 * {@code ((x[:,None] - codes[None])**2).sum(-1).min(1)} for {@link #nearest}, {@code .topk(k, largest=False)}
 * for {@link #topK}. Ties go to the lowest index, as {@code torch.argmin}.
 *
 * <p>Not differentiable: indices have no gradient, and the distances come back detached (to train
 * through a distance, gather the codes with {@code Indexing.indexSelect(codes, 0, indices)} and
 * compute it with differentiable ops). The cpu backend ranks codes by float scores as PyTorch's
 * addmm path does, so codes within float rounding of each other may be ordered differently from an
 * exact computation; reported distances are exact (double) for the codes picked.
 */
public final class CodebookSearch {
    private CodebookSearch() {}

    /** Indices INT64 [N] (or [N,k]) and distances FLOAT32 of the same shape. */
    public record Result(Tensor indices, Tensor distances) {}

    /** Nearest code by squared L2 distance: indices [N], distances {@code ||x - c||^2} [N]. */
    public static Result nearest(Tensor x, Tensor codes) {
        Result r = search("nearest", x, codes, 1, false);
        return new Result(r.indices.reshape(-1), r.distances.reshape(-1));
    }

    /** The k nearest codes by squared L2, ascending by (distance, index): indices and distances [N,k]. */
    public static Result topK(Tensor x, Tensor codes, int k) {
        return search("topK", x, codes, k, false);
    }

    /**
     * Nearest code by cosine similarity of the l2-normalised vectors (F.normalize, eps 1e-12):
     * indices [N], distances {@code 1 - cos(x, c)} in [0, 2] [N].
     */
    public static Result nearestCosine(Tensor x, Tensor codes) {
        Result r = search("nearestCosine", x, codes, 1, true);
        return new Result(r.indices.reshape(-1), r.distances.reshape(-1));
    }

    /** The k codes of largest cosine similarity, ascending by (1 - cos, index): [N,k]. */
    public static Result topKCosine(Tensor x, Tensor codes, int k) {
        return search("topKCosine", x, codes, k, true);
    }

    private static Result search(String op, Tensor x, Tensor codes, int k, boolean cosine) {
        Tensor.checkSameDevice(op, x, codes);
        if (x.dim() != 2) throw new IllegalArgumentException(op + ": expected queries of shape [N, D], got " + x.shapeString());
        if (codes.dim() != 2) throw new IllegalArgumentException(op + ": expected codes of shape [K, D], got " + codes.shapeString());
        if (x.size(1) != codes.size(1))
            throw new IllegalArgumentException(op + ": queries " + x.shapeString() + " have dimension " + x.size(1)
                    + " but codes " + codes.shapeString() + " have dimension " + codes.size(1));
        if (codes.size(0) == 0) throw new IllegalArgumentException(op + ": the codebook " + codes.shapeString() + " is empty");
        if (k < 1 || k > codes.size(0))
            throw new IllegalArgumentException(op + ": k = " + k + " is out of range for " + codes.size(0) + " codes (expected 1 <= k <= " + codes.size(0) + ")");
        Tensor fx = Elementwise.floatOperand(op, x), fc = Elementwise.floatOperand(op, codes);
        int n = x.size(0);
        Tensor indices = Tensor.emptyLike(x, DType.INT64, n, k);
        Tensor distances = Tensor.emptyLike(x, DType.FLOAT32, n, k);
        if (n > 0) x.backend().nearestCodes(fx.kernelView(), fc.kernelView(), k, cosine, indices.kernelView(), distances.kernelView());
        return new Result(indices, distances);
    }
}
