package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;

/**
 * Maps continuous latents to a discrete code and back. Every quantiser takes channels-first latents
 * z [N, D, H, W] (D = {@link #dim()}) and returns the quantised latents with a straight-through
 * gradient, its auxiliary loss, and the integer codes, so models can swap one for another.
 */
public abstract class Quantizer extends Module {

    /**
     * @param quantized same shape as z; gradients flow to z straight through
     * @param loss      scalar auxiliary loss (codebook + commitment, entropy, ...), 0 when none
     * @param indices   int64 codes [N, H, W] (residual quantisers: [N, H, W, stages]; FSQ/LFQ: the packed index)
     */
    public record Output(Tensor quantized, Tensor loss, Tensor indices) {}

    public abstract Output quantize(Tensor z);

    /** Codes as produced by {@link #quantize} -> quantised latents [N, D, H, W]. */
    public abstract Tensor decode(Tensor indices);

    /** Number of distinct codes (per stage for residual quantisers). */
    public abstract int codebookSize();

    /** Latent channels D. */
    public abstract int dim();

    /** Codes per latent position: 1, or the number of stages of a residual quantiser (the last dimension of its indices). */
    public int codesPerPosition() {
        return 1;
    }
}
