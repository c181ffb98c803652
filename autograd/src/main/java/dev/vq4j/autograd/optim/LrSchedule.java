package dev.vq4j.autograd.optim;

/** A learning rate as a function of the optimisation step (0-based). */
@FunctionalInterface
public interface LrSchedule {
    double lr(int step);

    /** Sets the optimiser's learning rate for this step; call before {@link Optimizer#step()}. */
    default void apply(Optimizer optimizer, int step) {
        optimizer.setLr(lr(step));
    }

    static LrSchedule constant(double lr) {
        return new ConstantLr(lr);
    }

    /** Linear warm-up to peakLr, then cosine decay to minLr; see {@link WarmupCosineLr}. */
    static LrSchedule warmupCosine(double peakLr, int warmupSteps, int totalSteps, double minLr) {
        return new WarmupCosineLr(peakLr, warmupSteps, totalSteps, minLr);
    }
}
