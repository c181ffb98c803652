package dev.vq4j.models.train;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.optim.GradClipping;

import java.util.Collection;

/**
 * What the {@link Trainer} hands a {@link TrainingTask} for one step.
 *
 * @param step     the step being taken, counted from 1
 * @param lr       the learning rate of this step (already set on every optimiser)
 * @param clipNorm clip gradients to this global 2-norm; 0 = off
 */
public record StepContext(int step, double lr, double clipNorm) {
    /** taming's {@code global_step}: steps finished before this one. */
    public long globalStep() {
        return step - 1;
    }

    /** The value, or a {@link NonFiniteLossException} naming it and the step when it is NaN or infinite. */
    public float finite(String name, float value) {
        if (!Float.isFinite(value)) throw new NonFiniteLossException(name, value, step);
        return value;
    }

    /** Clips the parameters' gradients when clipping is on and returns their norm before clipping (NaN when off); a non-finite norm stops the run. */
    public double clip(Collection<Tensor> params) {
        if (!(clipNorm > 0)) return Double.NaN;
        double norm = GradClipping.clipGradNorm(params, clipNorm);
        finite("grad_norm", (float) norm);
        return norm;
    }
}
