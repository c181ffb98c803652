package dev.vq4j.models.train;

import java.util.Map;

/**
 * One logged training step.
 *
 * @param parts          the model's named values (VQ-VAE: recon_loss, quantizer_loss; VQGAN: l1, quantizer_loss, g_loss, d_loss, ...)
 * @param usage          fraction of the codebook used in this step's batch
 * @param stepsPerSecond steps per second since the run (or resume) began
 */
public record StepStats(int step, int totalSteps, float loss, Map<String, Float> parts, float usage, double lr, double gradNorm,
                        double stepsPerSecond) {
    /** A named part, NaN when the model does not log it. */
    public float part(String name) {
        Float v = parts.get(name);
        return v == null ? Float.NaN : v;
    }
}
