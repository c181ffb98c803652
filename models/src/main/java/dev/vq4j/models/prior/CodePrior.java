package dev.vq4j.models.prior;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Rng;

/**
 * A prior over a tokenizer's code grids: the second stage that turns a tokenizer into a generator.
 * Implementations: {@link dev.vq4j.models.prior.gpt.GptPrior} (taming's autoregressive
 * Net2NetTransformer, sampled token by token with a KV cache) and
 * {@link dev.vq4j.models.prior.maskgit.MaskGitPrior} (bidirectional, decoded in a few parallel steps).
 *
 * <p>Codes are int64 tensors [N, h, w] with values in [0, {@link #codebookSize()}); labels are int64 [N]
 * in [0, {@link #numClasses()}) or null for an unconditional prior.
 */
public interface CodePrior {
    /** The checkpoint's {@code model_type}: "gpt" or "maskgit". */
    String modelType();

    /** The module whose state dict is the checkpoint's {@code model.safetensors}. */
    Module module();

    /** K: codes are in [0, K). */
    int codebookSize();

    /** The code grid this prior models, {h, w}. */
    int[] gridShape();

    /** Number of classes it is conditioned on; 0 for an unconditional prior. */
    int numClasses();

    /**
     * The training loss: mean cross-entropy in nats over the tokens the model predicts (every code for
     * the GPT; the masked ones for MaskGIT), with the training-time randomness (GPT's pkeep corruption,
     * MaskGIT's masks, label dropout for classifier-free guidance) drawn from {@code rng}. Builds a graph
     * when gradients are on.
     */
    Tensor loss(Tensor codes, Tensor labels, Rng rng);

    /**
     * Held-out loss in nats per predicted token, deterministic given {@code rng} (no corruption, no label
     * dropout; MaskGIT draws its masks from {@code rng}). Call without gradients, in eval mode.
     */
    double evalLoss(Tensor codes, Tensor labels, Rng rng);

    /** Samples {@code options.count()} code grids: int64 [N, h, w]. Same options and seed, same codes. */
    Tensor sample(SampleOptions options, SampleProgress progress);

    /**
     * Re-samples the positions of {@code codes} [N, h, w] where {@code keep} (row-major, N·h·w) is false,
     * keeping the others: variations and inpainting. The GPT conditions on the kept codes before each
     * position (raster order); MaskGIT on every kept code.
     */
    Tensor resample(Tensor codes, boolean[] keep, SampleOptions options, SampleProgress progress);
}
