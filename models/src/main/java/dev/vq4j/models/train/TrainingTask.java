package dev.vq4j.models.train;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.optim.Optimizer;
import dev.vq4j.models.ImageTokenizer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one kind of model plugs into the one {@link Trainer}: the module being trained, its
 * optimisers, one optimisation step, and the config that rebuilds it. The trainer owns everything
 * else (data order, learning-rate schedule, logging, evaluation, grids, checkpoints, resume, NaN
 * stop, Ctrl-C). Tokenizers implement {@link TokenizerTask} ({@link VqVaeTask}: one optimiser;
 * {@link dev.vq4j.models.vqgan.VqganTask}: autoencoder + discriminator), which supplies the image-side
 * evaluation and grids; priors over codes are {@link dev.vq4j.models.prior.PriorTask}.
 */
public interface TrainingTask {
    /** The checkpoint's {@code model_type} ("vqvae", "vqgan", ...). */
    String modelType();

    /**
     * The module whose state dict is the checkpoint's {@code model.safetensors} (for VQGAN: the model
     * with its loss, taming's names) and whose generators are saved for an exact resume.
     */
    Module model();

    /**
     * The tokenizer it trains (a tokenizer task) or decodes its samples with (a prior task; null when the
     * prior's tokenizer is not at hand): for held-out evaluation and PNG grids.
     */
    ImageTokenizer tokenizer();

    /** Refuses data the model cannot train on (wrong channels, a size the model cannot take, codes out of range), naming both. */
    void checkData(TrainingData train);

    /** The held-out measures, in eval mode without gradients (the task restores the training mode). */
    EvalReport evaluate(TrainingData heldOut, int batchSize);

    /** Writes the PNG grid of an evaluation to {@code png} (reconstructions of held-out images, or new samples). */
    void writeSamples(Path png, TrainingData heldOut);

    /**
     * Random generators the task draws from outside the model (a prior's masks and corruption), by name,
     * for an exact resume; none by default.
     */
    default Map<String, long[]> generatorStates() {
        return Map.of();
    }

    /** Restores the states {@link #generatorStates} returned. */
    default void restoreGenerators(Map<String, long[]> states) {
        if (!states.isEmpty()) throw new IllegalArgumentException("resume: the checkpoint holds task generators " + states.keySet() + " this task lacks");
    }

    /**
     * Optimisers by name; the one named "" is {@code optimizer.safetensors}, any other N is
     * {@code optimizer_N.safetensors}. The trainer sets each one's learning rate every step.
     */
    Map<String, Optimizer> optimizers();

    /** The config sections that rebuild the model ({@code model}, and {@code loss} where there is one), as JSON-ready maps. */
    Map<String, Object> configSections();

    /**
     * One optimisation step on a batch (images in [0, 1], or code grids and labels): forward, backward,
     * clipping through {@link StepContext#clip}, optimiser steps. Every scalar goes through
     * {@link StepContext#finite} before any optimiser steps, so a NaN stops the run with the parameters
     * of the step before.
     */
    StepResult step(TrainingData.Batch batch, StepContext context);

    /** Files written beside the weights in every checkpoint (name → text), e.g. taming's model.yaml; none by default. */
    default Map<String, String> extraFiles() {
        return Map.of();
    }

    /** One line describing the model for the console. */
    String describe();

    /**
     * What a step did.
     *
     * @param loss     the main loss (the one the progress bar shows)
     * @param parts    named values for the log, in order (e.g. recon_loss, quantizer_loss, g_loss, d_loss)
     * @param codes    the batch's codes (for the batch codebook usage); null when the task makes none (a prior)
     * @param gradNorm the main optimiser's gradient norm before clipping (NaN when not clipped)
     */
    record StepResult(float loss, LinkedHashMap<String, Float> parts, Tensor codes, double gradNorm) {}
}
