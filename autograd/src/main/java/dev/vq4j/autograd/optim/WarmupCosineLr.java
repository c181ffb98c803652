package dev.vq4j.autograd.optim;

/**
 * Linear warm-up then cosine decay (Loshchilov and Hutter 2017, without restarts), with W warm-up
 * steps and T total steps:
 * <pre>
 *   lr(s) = peak · s / W                                        for s &lt; W  (0 at step 0, as
 *                                                                 HuggingFace's cosine schedule)
 *   lr(s) = min + (peak - min) · (1 + cos(π · (s - W) / (T - W))) / 2   for W ≤ s ≤ T
 *   lr(s) = min                                                 for s &gt; T
 * </pre>
 * so lr(W) = peak, lr((W + T)/2) = (peak + min)/2 and lr(T) = min.
 */
public record WarmupCosineLr(double peakLr, int warmupSteps, int totalSteps, double minLr) implements LrSchedule {
    public WarmupCosineLr {
        if (warmupSteps < 0 || totalSteps <= warmupSteps)
            throw new IllegalArgumentException("WarmupCosineLr: need 0 <= warmupSteps < totalSteps, got " + warmupSteps + " and " + totalSteps);
        if (!(peakLr >= minLr && minLr >= 0))
            throw new IllegalArgumentException("WarmupCosineLr: need peakLr >= minLr >= 0, got " + peakLr + " and " + minLr);
    }

    @Override
    public double lr(int step) {
        if (step < 0) throw new IllegalArgumentException("WarmupCosineLr: negative step " + step);
        if (step < warmupSteps) return peakLr * step / warmupSteps;
        if (step >= totalSteps) return minLr;
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
