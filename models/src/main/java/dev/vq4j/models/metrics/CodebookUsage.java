package dev.vq4j.models.metrics;

import dev.vq4j.autograd.Tensor;

/**
 * Code counts accumulated over a whole evaluation set (not per batch, where a small batch would
 * understate usage). Reports the share of codes used at least once and the perplexity
 * exp(−Σ p_k log p_k) with p_k = count_k / total: K when every code is equally likely, 1 when one
 * code takes everything. Negative indices (dropped residual stages) are ignored.
 */
public final class CodebookUsage {
    private final long[] counts;
    private long total;

    public CodebookUsage(int codebookSize) {
        if (codebookSize <= 0) throw new IllegalArgumentException("CodebookUsage: codebook size must be positive, got " + codebookSize);
        counts = new long[codebookSize];
    }

    /** Adds every index in a tensor of any shape. */
    public CodebookUsage add(Tensor indices) {
        return add(indices.contiguous().toLongArray());
    }

    public CodebookUsage add(long[] indices) {
        for (long i : indices) {
            if (i < 0) continue;
            if (i >= counts.length)
                throw new IllegalArgumentException("CodebookUsage: index " + i + " is out of range for a codebook of " + counts.length);
            counts[(int) i]++;
            total++;
        }
        return this;
    }

    public void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
    }

    public long[] counts() {
        return counts.clone();
    }

    public long total() {
        return total;
    }

    public int codesUsed() {
        int n = 0;
        for (long c : counts) if (c > 0) n++;
        return n;
    }

    /** Percentage of codes used at least once, 0..100. */
    public double percentUsed() {
        return 100.0 * codesUsed() / counts.length;
    }

    /** exp(entropy of the code histogram); 0 before anything was added. */
    public double perplexity() {
        if (total == 0) return 0;
        double h = 0;
        for (long c : counts) {
            if (c == 0) continue;
            double p = (double) c / total;
            h -= p * Math.log(p);
        }
        return Math.exp(h);
    }
}
