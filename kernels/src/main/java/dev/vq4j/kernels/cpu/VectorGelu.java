package dev.vq4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Exact GELU, x·Φ(x) = ½·x·erfc(−x/√2), and its derivative Φ(x) + x·φ(x), on float vectors, from
 * IEEE-exact operations only (add, mul, fma, div, abs, blend) and {@link VectorExp}, so compiled and
 * interpreted code give the same bits (the run-to-run guarantee).
 *
 * <p>erfc(z) for z ≥ 0 is Numerical Recipes' Chebyshev fit (Press et al., §6.2, erfcc):
 * erfc(z) ≈ t·exp(−z² − 1.26551223 + t·(1.00002368 + … + t·0.17087277)), t = 1/(1 + z/2), with a
 * fractional error below 1.2e-7 everywhere — so the negative tail, where Φ(x) is tiny, keeps its
 * relative accuracy (a fit of erf itself would not). For x ≥ 0, Φ(x) = 1 − ½·erfc(x/√2).
 *
 * <p>z² = x²/2 is large in the tail, where one rounding of it would cost ~z²·2⁻²⁴ relative error in
 * the exponential; so x² is split exactly into hi + lo (lo = fma(x, x, −hi)) and
 * e^(−z²) = e^(−hi/2)·e^(−lo/2), the first factor from an exact argument, the second tiny.
 */
final class VectorGelu {
    private static final float INV_SQRT2 = 0.70710678118654752f, INV_SQRT_2PI = 0.39894228040143268f;
    private static final float[] C = {-1.26551223f, 1.00002368f, 0.37409196f, 0.09678418f, -0.18628806f, 0.27886807f, -1.13520398f,
            1.48851587f, -0.82215223f, 0.17087277f};

    private VectorGelu() {}

    static FloatVector gelu(FloatVector x) {
        FloatVector hi = x.mul(x), lo = x.fma(x, hi.neg());
        return x.mul(phi(x, VectorExp.exp(hi.mul(-0.5f)), lo));
    }

    /** d/dx x·Φ(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π). */
    static FloatVector geluGrad(FloatVector x) {
        FloatVector hi = x.mul(x), lo = x.fma(x, hi.neg());
        FloatVector eHi = VectorExp.exp(hi.mul(-0.5f));
        FloatVector density = eHi.mul(lo.mul(-0.5f).add(1f)).mul(INV_SQRT_2PI); // e^(−lo/2) ≈ 1 − lo/2: |lo| ≤ ulp(x²)/2
        return x.fma(density, phi(x, eHi, lo));
    }

    /** Φ(x) given e^(−hi/2) and lo, where x² = hi + lo. */
    private static FloatVector phi(FloatVector x, FloatVector eHi, FloatVector lo) {
        FloatVector z = x.abs().mul(INV_SQRT2);
        FloatVector t = FloatVector.broadcast(x.species(), 1f).div(z.mul(0.5f).add(1f));
        FloatVector poly = FloatVector.broadcast(x.species(), C[9]);
        for (int i = 8; i >= 0; i--) poly = poly.fma(t, FloatVector.broadcast(x.species(), C[i]));
        FloatVector half = t.mul(eHi).mul(VectorExp.exp(poly.sub(lo.mul(0.5f)))).mul(0.5f); // ½·erfc(|x|/√2) = Φ(−|x|)
        return half.neg().add(1f).blend(half, x.compare(VectorOperators.LT, 0f));
    }
}
