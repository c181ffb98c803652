package dev.vq4j.kernels;

/**
 * Scalar functions the JDK lacks, in double precision so float32 results are correctly rounded
 * in practice. Shared by every host backend so they agree to the bit on these functions.
 */
public final class ScalarMath {
    private ScalarMath() {}

    private static final double INV_SQRT_PI = 0.5641895835477563;   // 1/sqrt(pi)
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double INV_SQRT_2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;

    /** Error function, absolute error below 1e-14. */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax < 2.5) {
            // Maclaurin series erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)) (A&S 7.1.5)
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 60; n++) {
                term *= -x2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        double r = 1.0 - erfcLarge(ax);
        return x < 0 ? -r : r;
    }

    /** erfc for x >= 2.5 by its continued fraction (A&S 7.1.14), evaluated bottom-up. */
    private static double erfcLarge(double x) {
        if (x > 27) return 0.0;
        double f = x;
        for (int n = 80; n >= 1; n--) f = x + (n * 0.5) / f;
        return Math.exp(-x * x) * INV_SQRT_PI / f;
    }

    public static double sigmoid(double x) {
        return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
    }

    /** x * Phi(x) with Phi the standard normal CDF. */
    public static double gelu(double x) {
        return 0.5 * x * (1.0 + erf(x * INV_SQRT_2));
    }

    /** Phi(x) + x * phi(x). */
    public static double geluGrad(double x) {
        return 0.5 * (1.0 + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    public static double geluTanh(double x) {
        double inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        return 0.5 * x * (1.0 + Math.tanh(inner));
    }

    public static double geluTanhGrad(double x) {
        double inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        double t = Math.tanh(inner);
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x);
    }

    /** PyTorch's softplus: log(1 + exp(beta x)) / beta, or x where beta x > threshold. */
    public static double softplus(double x, double beta, double threshold) {
        double bx = beta * x;
        return bx > threshold ? x : Math.log1p(Math.exp(bx)) / beta;
    }

    public static double silu(double x) {
        return x * sigmoid(x);
    }

    public static double siluGrad(double x) {
        double s = sigmoid(x);
        return s * (1.0 + x * (1.0 - s));
    }
}
