package dev.vq4j.core;

/**
 * Elementwise float32 maps {@code y = f(x; a, b)}. The scalars {@code a}, {@code b} parameterise
 * the ops that need them; the {@code *_GRAD} entries are derivatives used by backward passes so a
 * backend can fuse them instead of composing several kernels.
 */
public enum UnaryOp {
    NEG, ABS, SIGN, EXP, LOG, SQRT, RSQRT, SQUARE, RECIPROCAL,
    SIN, COS,
    /** x + a */
    ADD_SCALAR,
    /** x * a */
    MUL_SCALAR,
    /** x ^ a */
    POW_SCALAR,
    /** a ^ x */
    SCALAR_POW,
    /** min(max(x, a), b); NaN stays NaN. */
    CLAMP,
    RELU,
    /** x if x > 0 else a*x */
    LEAKY_RELU,
    SIGMOID, TANH,
    /** x * sigmoid(x) */
    SILU,
    /** x * Phi(x), exact erf form */
    GELU,
    /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
    GELU_TANH,
    /** log(1 + exp(a x)) / a, linear above threshold b (PyTorch's beta and threshold) */
    SOFTPLUS,
    /** d silu / dx */
    SILU_GRAD,
    /** d gelu / dx (exact) */
    GELU_GRAD,
    /** d gelu_tanh / dx */
    GELU_TANH_GRAD,
    /** 1 if x > 0 else a: derivative of leaky_relu (a = 0 gives relu's) */
    STEP,
    /** 1 where x is NaN else 0 (float out) */
    ISNAN
}
