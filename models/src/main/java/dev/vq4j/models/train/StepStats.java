package dev.vq4j.models.train;

/**
 * One logged training step.
 *
 * @param usage          fraction of the codebook used in this step's batch
 * @param stepsPerSecond steps per second since the run (or resume) began
 */
public record StepStats(int step, int totalSteps, float loss, float reconLoss, float quantizerLoss, float usage, double lr,
                        double gradNorm, double stepsPerSecond) {}
