package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.core.Rng;

/**
 * Factorised, l2-normalised codes (Yu et al. 2022, ViT-VQGAN; LlamaGen): a 1×1 convolution
 * projects z [N, D, H, W] to a small code dimension d (e.g. 8), the cosine {@link VectorQuantizer}
 * looks the normalised vector up in a normalised codebook [K, d], and a 1×1 convolution projects the
 * code back to D. Low d and unit-norm codes keep most of a large codebook in use.
 * Submodules: {@code proj_in}, {@code vq} (so {@code vq.embedding.weight}), {@code proj_out}.
 * The straight-through estimator acts inside the projections, so d quantized / d z is
 * proj_out ∘ proj_in's Jacobian (through the normalisation), not the identity.
 */
public class FactorizedVectorQuantizer extends Quantizer {
    private final int dim;
    private final Conv2d projIn, projOut;
    private final VectorQuantizer vq;

    public FactorizedVectorQuantizer(int codebookSize, int dim, int codeDim, float beta) {
        this(codebookSize, dim, codeDim, beta, Init.globalRng().split());
    }

    public FactorizedVectorQuantizer(int codebookSize, int dim, int codeDim, float beta, Rng rng) {
        if (dim <= 0 || codeDim <= 0)
            throw new IllegalArgumentException("FactorizedVectorQuantizer: dims must be positive, got D=" + dim + ", code dim=" + codeDim);
        this.dim = dim;
        int[] one = {1, 1}, zero = {0, 0};
        projIn = registerModule("proj_in", new Conv2d(dim, codeDim, one, one, zero, one, 1, true, rng));
        vq = registerModule("vq", new VectorQuantizer(codebookSize, codeDim, beta, false, rng).cosine(true));
        projOut = registerModule("proj_out", new Conv2d(codeDim, dim, one, one, zero, one, 1, true, rng));
    }

    public VectorQuantizer inner() { return vq; }
    public Conv2d projIn() { return projIn; }
    public Conv2d projOut() { return projOut; }

    @Override
    public Output quantize(Tensor z) {
        QuantOps.checkLatents("FactorizedVectorQuantizer", z, dim);
        Output o = vq.quantize(projIn.forward(z));
        return new Output(projOut.forward(o.quantized()), o.loss(), o.indices());
    }

    @Override
    public Tensor decode(Tensor indices) {
        return projOut.forward(vq.decode(indices));
    }

    @Override
    public int codebookSize() { return vq.codebookSize(); }

    @Override
    public int dim() { return dim; }

    /** The low code dimension d. */
    public int codeDim() { return vq.dim(); }
}
