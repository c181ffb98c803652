package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;

/**
 * The VQ-VAE quantiser (van den Oord et al. 2017): nearest code by squared L2, straight-through
 * gradient, loss = ‖sg(z) − e‖² + β‖z − sg(e)‖². With {@code legacy}, taming-transformers' swapped
 * weighting β‖sg(z) − e‖² + ‖z − sg(e)‖², needed to reproduce its checkpoints.
 * Parameter: {@code embedding.weight} [K, D] (taming's name).
 */
public class VectorQuantizer extends Quantizer {
    public VectorQuantizer(int codebookSize, int dim, float beta, boolean legacy) {
        throw new UnsupportedOperationException("VectorQuantizer: not implemented yet");
    }

    @Override
    public Output quantize(Tensor z) {
        throw new UnsupportedOperationException("VectorQuantizer: not implemented yet");
    }

    @Override
    public Tensor decode(Tensor indices) {
        throw new UnsupportedOperationException("VectorQuantizer: not implemented yet");
    }

    @Override
    public int codebookSize() {
        throw new UnsupportedOperationException("VectorQuantizer: not implemented yet");
    }

    @Override
    public int dim() {
        throw new UnsupportedOperationException("VectorQuantizer: not implemented yet");
    }
}
