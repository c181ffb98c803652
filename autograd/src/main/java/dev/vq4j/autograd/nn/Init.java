package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

/**
 * In-place initialisers, as torch.nn.init; each fills a tensor under no-grad and returns it.
 * Random ones take an {@link Rng}; modules constructed without one draw from {@link #globalRng()}
 * (seeded with 0; reseed with {@link #manualSeed}).
 */
public final class Init {
    private static Rng global = new Rng(0);

    private Init() {}

    /** The generator used by modules built without an explicit Rng. */
    public static synchronized Rng globalRng() {
        return global;
    }

    /** Reseeds the global generator, as torch.manual_seed. */
    public static synchronized void manualSeed(long seed) {
        global = new Rng(seed);
    }

    /** Whether fans count inputs (preserve forward variance) or outputs (preserve backward variance). */
    public enum FanMode { FAN_IN, FAN_OUT }

    // ---- constants ------------------------------------------------------------------------------

    public static Tensor constant(Tensor t, double value) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return t.fillInPlace(value);
        }
    }

    public static Tensor zeros(Tensor t) {
        return constant(t, 0);
    }

    public static Tensor ones(Tensor t) {
        return constant(t, 1);
    }

    // ---- distributions --------------------------------------------------------------------------

    /** U(low, high). */
    public static Tensor uniform(Tensor t, double low, double high, Rng rng) {
        float[] v = new float[t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (low + (high - low) * rng.nextDouble());
        return fill(t, v);
    }

    /** N(mean, std²). */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        float[] v = new float[t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (mean + std * rng.nextGaussian());
        return fill(t, v);
    }

    private static Tensor fill(Tensor t, float[] values) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return t.copyFrom(Tensor.of(t.device(), values, t.shape()));
        }
    }

    // ---- fans and gains -------------------------------------------------------------------------

    /**
     * {fan_in, fan_out} as PyTorch's _calculate_fan_in_and_fan_out: size(1) and size(0) times the
     * receptive field (product of the dims after the first two). Note that for a transposed
     * convolution's [Cin, Cout/groups, kh, kw] weight this makes fan_in = Cout/groups·kh·kw, as in PyTorch.
     */
    public static int[] fanInAndFanOut(Tensor t) {
        if (t.dim() < 2)
            throw new IllegalArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got " + t.shapeString());
        int receptive = 1;
        for (int d = 2; d < t.dim(); d++) receptive *= t.size(d);
        return new int[] {t.size(1) * receptive, t.size(0) * receptive};
    }

    /** torch.nn.init.calculate_gain; param is the negative slope for leaky_relu. */
    public static double gain(String nonlinearity, double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> Math.sqrt(2.0 / (1 + param * param));
            case "selu" -> 3.0 / 4;
            default -> throw new IllegalArgumentException("Unsupported nonlinearity " + nonlinearity);
        };
    }

    // ---- variance-scaling initialisers ----------------------------------------------------------

    /**
     * He et al. 2015: U(-b, b) with b = gain·sqrt(3/fan). PyTorch's Linear and Conv layers use
     * a = sqrt(5), leaky_relu, fan_in, which gives b = 1/sqrt(fan_in).
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, String nonlinearity, Rng rng) {
        double std = gain(nonlinearity, a) / Math.sqrt(fan(t, mode));
        double bound = Math.sqrt(3.0) * std;
        return uniform(t, -bound, bound, rng);
    }

    /** He et al. 2015: N(0, (gain/sqrt(fan))²). */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, String nonlinearity, Rng rng) {
        return normal(t, 0, gain(nonlinearity, a) / Math.sqrt(fan(t, mode)), rng);
    }

    /** Glorot and Bengio 2010: U(-b, b) with b = gain·sqrt(6/(fan_in + fan_out)). */
    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        int[] f = fanInAndFanOut(t);
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform(t, -bound, bound, rng);
    }

    /** Glorot and Bengio 2010: N(0, gain²·2/(fan_in + fan_out)). */
    public static Tensor xavierNormal(Tensor t, double gain, Rng rng) {
        int[] f = fanInAndFanOut(t);
        return normal(t, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])), rng);
    }

    private static int fan(Tensor t, FanMode mode) {
        int[] f = fanInAndFanOut(t);
        int fan = mode == FanMode.FAN_IN ? f[0] : f[1];
        if (fan == 0) throw new IllegalArgumentException("Initializing zero-element tensors is a no-op");
        return fan;
    }

    /**
     * PyTorch's default for Linear and Conv layers (reset_parameters): weight by
     * kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and bias (if any) from the
     * same range, with fan_in taken from the weight.
     */
    static void defaultLinearOrConv(Tensor weight, Tensor bias, Rng rng) {
        kaimingUniform(weight, Math.sqrt(5), FanMode.FAN_IN, "leaky_relu", rng);
        if (bias != null) {
            int fanIn = fanInAndFanOut(weight)[0];
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            uniform(bias, -bound, bound, rng);
        }
    }
}
