package dev.vq4j.models.prior.maskgit;

/**
 * MaskGIT's mask scheduling function γ (Chang et al. 2022, "MaskGIT: Masked Generative Image
 * Transformer", CVPR, §3.2 and eq. 5): γ maps a ratio r ∈ [0, 1] to the fraction of tokens still masked,
 * decreasing from γ(0) = 1 to γ(1) = 0.
 * <ul>
 *   <li>cosine: γ(r) = cos(π·r/2) (the paper's choice, used for training here)</li>
 *   <li>linear: γ(r) = 1 − r</li>
 *   <li>square: γ(r) = 1 − r²</li>
 * </ul>
 * Training masks ⌈γ(r)·N⌉ tokens (at least 1) for r ~ U(0, 1). Decoding in T steps from M masked tokens
 * leaves {@link #maskedAfter} = min(⌈γ(s/T)·M⌉, c − 1) masked after step s = 1..T, where c were masked
 * before the step (so each step decides at least one token), and 0 after step T.
 */
public enum MaskSchedule {
    COSINE, LINEAR, SQUARE;

    /** Guards ⌈x⌉ against rounding above an integer (1 − 1/3 times 9 is 6.000000000000001 in doubles). */
    private static final double CEIL_SLACK = 1e-9;

    /** The schedule named "cosine", "linear" or "square". */
    public static MaskSchedule of(String name) {
        return switch (name) {
            case "cosine" -> COSINE;
            case "linear" -> LINEAR;
            case "square" -> SQUARE;
            default -> throw new IllegalArgumentException("mask schedule must be cosine, linear or square, got '" + name + "'");
        };
    }

    /** γ(r), the fraction still masked at ratio r ∈ [0, 1]. */
    public double gamma(double r) {
        if (!(r >= 0 && r <= 1)) throw new IllegalArgumentException("mask schedule: the ratio must be in [0, 1], got " + r);
        return switch (this) {
            case COSINE -> r == 1 ? 0 : Math.cos(Math.PI / 2 * r);
            case LINEAR -> 1 - r;
            case SQUARE -> 1 - r * r;
        };
    }

    /** ⌈γ(r)·n⌉, clamped to [0, n]. */
    public int count(double r, int n) {
        return (int) Math.max(0, Math.min(n, Math.ceil(gamma(r) * n - CEIL_SLACK)));
    }

    /**
     * Tokens left masked after decoding step {@code step} (1..steps) when {@code initial} were masked at
     * the start and {@code current} are masked before this step: 0 at the last step, else
     * min(⌈γ(step/steps)·initial⌉, current − 1), at least 0.
     */
    public int maskedAfter(int step, int steps, int initial, int current) {
        if (step < 1 || step > steps) throw new IllegalArgumentException("mask schedule: step " + step + " is outside 1.." + steps);
        if (step == steps || current == 0) return 0;
        return Math.max(0, Math.min(count((double) step / steps, initial), current - 1));
    }

    /** The masked counts before step 1 and after each step 1..T: [initial, m₁, ..., m_T = 0]. */
    public int[] plan(int initial, int steps) {
        int[] m = new int[steps + 1];
        m[0] = initial;
        for (int s = 1; s <= steps; s++) m[s] = maskedAfter(s, steps, initial, m[s - 1]);
        return m;
    }

    /** The training mask count for a ratio r ∈ [0, 1): ⌈cos(π·r/2)·n⌉, at least 1. */
    public static int trainingCount(double r, int n) {
        return Math.max(1, COSINE.count(r, n));
    }
}
