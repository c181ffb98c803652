package dev.vq4j.models.prior.maskgit;

import dev.vq4j.core.Rng;

/**
 * Training-time corruption (Chang et al. 2022, §3.2): for each grid draw r ~ U(0, 1), mask
 * ⌈γ(r)·N⌉ of its N tokens (at least 1; γ the cosine schedule, {@link MaskSchedule#trainingCount}),
 * chosen uniformly at random without replacement (a partial Fisher-Yates shuffle), and replace them by
 * [MASK] = K. The random draws per grid, in order: r, then the positions.
 *
 * @param inputs  the corrupted tokens, [B·N] row-major
 * @param masked  flat indices b·N + i of the masked positions, ascending
 * @param targets the original codes at {@code masked}
 */
record MaskGitMasking(long[] inputs, long[] masked, long[] targets) {

    static MaskGitMasking draw(long[] codes, int batch, int n, int maskToken, Rng rng) {
        long[] inputs = codes.clone();
        int total = 0;
        int[][] chosen = new int[batch][];
        int[] perm = new int[n];
        for (int b = 0; b < batch; b++) {
            int m = MaskSchedule.trainingCount(rng.nextDouble(), n);
            for (int i = 0; i < n; i++) perm[i] = i;
            for (int i = 0; i < m; i++) {
                int j = i + (int) rng.nextLong(n - i);
                int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
            }
            chosen[b] = java.util.Arrays.copyOf(perm, m);
            java.util.Arrays.sort(chosen[b]);
            total += m;
        }
        long[] masked = new long[total], targets = new long[total];
        int k = 0;
        for (int b = 0; b < batch; b++)
            for (int i : chosen[b]) {
                int at = b * n + i;
                masked[k] = at;
                targets[k++] = codes[at];
                inputs[at] = maskToken;
            }
        return new MaskGitMasking(inputs, masked, targets);
    }
}
