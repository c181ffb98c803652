package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Normalization;
import dev.vq4j.autograd.Tensor;

/**
 * Batch normalisation (Ioffe and Szegedy 2015) over [N, C, H, W], as torch.nn.BatchNorm2d. In
 * training it normalises with the batch's statistics and, when tracking, updates running_mean and
 * running_var (running = (1 - momentum)·running + momentum·batch, unbiased batch variance) and
 * counts num_batches_tracked; in eval it uses the running statistics. A null momentum gives the
 * cumulative average (factor 1/num_batches_tracked), as PyTorch's momentum=None.
 */
public class BatchNorm2d extends Module {
    private final int numFeatures;
    private final float eps;
    private final Double momentum;
    private final Tensor weight, bias, runningMean, runningVar, numBatchesTracked;

    public BatchNorm2d(int numFeatures) {
        this(numFeatures, 1e-5f, 0.1, true, true);
    }

    public BatchNorm2d(int numFeatures, float eps, Double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures <= 0) throw new IllegalArgumentException("BatchNorm2d: num_features must be positive, got " + numFeatures);
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        if (trackRunningStats) {
            runningMean = registerBuffer("running_mean", Tensor.zeros(numFeatures));
            runningVar = registerBuffer("running_var", Tensor.ones(numFeatures));
            numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.ofLongs(new long[] {0}));
        } else {
            runningMean = runningVar = numBatchesTracked = null;
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException("BatchNorm2d: expected 4D input (got " + x.dim() + "D input " + x.shapeString() + ")");
        if (x.size(1) != numFeatures)
            throw new IllegalArgumentException("BatchNorm2d: input " + x.shapeString() + " has " + x.size(1) + " channels, expected " + numFeatures);
        double factor = momentum == null ? 0.0 : momentum;
        if (isTraining() && numBatchesTracked != null) {
            long n = numBatchesTracked.toLongArray()[0] + 1;
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                numBatchesTracked.fillInPlace(n);
            }
            if (momentum == null) factor = 1.0 / n;
        }
        boolean useBatchStats = isTraining() || runningMean == null;
        return Normalization.batchNorm(x, runningMean, runningVar, weight, bias, useBatchStats, (float) factor, eps);
    }

    public Tensor weight() { return weight; }
    public Tensor bias() { return bias; }
    /** Running statistics, null when not tracked. */
    public Tensor runningMean() { return runningMean; }
    public Tensor runningVar() { return runningVar; }
    /** An int64 0-dim count of training batches seen. */
    public Tensor numBatchesTracked() { return numBatchesTracked; }

    /** Zeroes running_mean and the count, sets running_var to 1. */
    public void resetRunningStats() {
        if (runningMean == null) return;
        Init.zeros(runningMean);
        Init.ones(runningVar);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            numBatchesTracked.fillInPlace(0);
        }
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + Repr.pyFloat(eps) + ", momentum=" + (momentum == null ? "None" : Repr.pyFloat(momentum))
                + ", affine=" + Repr.bool(weight != null) + ", track_running_stats=" + Repr.bool(runningMean != null);
    }
}
