package dev.vq4j.autograd;

import dev.vq4j.core.Shapes;

import java.util.Arrays;

/**
 * group_norm, layer_norm and batch_norm, as torch.nn.functional. Each standardises x over some
 * dims with the population variance, {@code (x - mean) * rsqrt(var + eps)}, then applies an
 * optional per-channel (or per-element, for layer_norm) scale and shift.
 */
public final class Normalization {
    private Normalization() {}

    /** x [N, C, ...]; weight, bias [C] or null. Normalises each of the {@code groups} channel groups of each sample. */
    public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        return groupNorm("group_norm", x, groups, weight, bias, eps, false);
    }

    /** {@code silu(group_norm(x))} in one fused kernel: VQGAN's ResnetBlock norm-then-nonlinearity. */
    public static Tensor groupNormSwish(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        return groupNorm("group_norm_swish", x, groups, weight, bias, eps, true);
    }

    /**
     * The fused group_norm kernel over x viewed as [N, C, S]; its backward runs the matching kernel
     * (the statistics are saved as mean and rstd [N, groups]).
     */
    private static Tensor groupNorm(String op, Tensor x, int groups, Tensor weight, Tensor bias, float eps, boolean swish) {
        if (x.dim() < 2)
            throw new IllegalArgumentException(op + ": expected at least 2 dimensions for input tensor but received " + x.dim()
                    + " (input of shape " + x.shapeString() + ")");
        int n = x.size(0), c = x.size(1);
        if (groups <= 0 || c % groups != 0)
            throw new IllegalArgumentException(op + ": expected number of channels in input to be divisible by num_groups, but got input of shape "
                    + x.shapeString() + " and num_groups=" + groups);
        checkChannelVector(op, "weight", weight, x);
        checkChannelVector(op, "bias", bias, x);
        for (Tensor t : new Tensor[] {weight, bias}) if (t != null) Tensor.checkSameDevice(op, x, t);
        int spatial = c == 0 || n == 0 ? 0 : x.numel() / (n * c);
        Tensor x3, w, b;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            x3 = Elementwise.floatOperand(op, x).reshape(n, c, spatial);
            w = weight == null ? null : Elementwise.floatOperand(op, weight);
            b = bias == null ? null : Elementwise.floatOperand(op, bias);
        }
        Tensor out = Tensor.emptyLike(x3, dev.vq4j.core.DType.FLOAT32, n, c, spatial);
        Tensor mean = Tensor.emptyLike(x3, dev.vq4j.core.DType.FLOAT32, n, groups);
        Tensor rstd = Tensor.emptyLike(x3, dev.vq4j.core.DType.FLOAT32, n, groups);
        x3.backend().groupNorm(x3.kernelView(), w == null ? null : w.kernelView(), b == null ? null : b.kernelView(), groups, eps, swish,
                out.kernelView(), mean.kernelView(), rstd.kernelView());
        int[] shape = x.shape();
        Tensor y;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            y = out.reshape(shape);
        }
        return Autograd.record(op, y, new Tensor[] {x, weight, bias}, g -> {
            Tensor gx = Tensor.emptyLike(x3, dev.vq4j.core.DType.FLOAT32, n, c, spatial);
            Tensor gw = weight == null ? null : Tensor.emptyLike(x3, dev.vq4j.core.DType.FLOAT32, c);
            Tensor gb = bias == null ? null : Tensor.emptyLike(x3, dev.vq4j.core.DType.FLOAT32, c);
            Tensor g3 = g.contiguous().reshape(n, c, spatial);
            x3.backend().groupNormBackward(x3.kernelView(), w == null ? null : w.kernelView(), b == null ? null : b.kernelView(), groups, swish,
                    mean.kernelView(), rstd.kernelView(), g3.kernelView(), gx.kernelView(),
                    gw == null ? null : gw.kernelView(), gb == null ? null : gb.kernelView());
            return new Tensor[] {gx.reshape(shape), gw, gb};
        });
    }

    /** Normalises over the trailing dims given by normalizedShape; weight, bias of that shape or null. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, float eps) {
        int k = normalizedShape.length;
        int[] shape = x.shape();
        if (k == 0 || k > shape.length || !Arrays.equals(Arrays.copyOfRange(shape, shape.length - k, shape.length), normalizedShape))
            throw new IllegalArgumentException("layer_norm: given normalized_shape=" + Shapes.str(normalizedShape) + ", expected input with shape [*, "
                    + Shapes.str(normalizedShape).substring(1) + ", but got input of size " + x.shapeString());
        for (Tensor p : new Tensor[] {weight, bias})
            if (p != null && !Arrays.equals(p.shape(), normalizedShape))
                throw new IllegalArgumentException("layer_norm: expected " + (p == weight ? "weight" : "bias") + " to be of same shape as normalized_shape, but got "
                        + (p == weight ? "weight" : "bias") + " of shape " + p.shapeString() + " and normalized_shape = " + Shapes.str(normalizedShape));
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = shape.length - k + i;
        return affine(standardize("layer_norm", x, dims, moments(x, dims), eps), weight, bias);
    }

    /**
     * x [N, C, ...]. In training, normalises with batch statistics and updates runningMean/runningVar
     * in place (unbiased variance, as PyTorch) when they are not null; in eval, uses them.
     * The update is {@code running = (1 - momentum) * running + momentum * batchStat}.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        if (x.dim() < 2)
            throw new IllegalArgumentException("batch_norm: expected at least 2 dimensions (N, C, ...) but got input of shape " + x.shapeString());
        checkChannelVector("batch_norm", "running_mean", runningMean, x);
        checkChannelVector("batch_norm", "running_var", runningVar, x);
        checkChannelVector("batch_norm", "weight", weight, x);
        checkChannelVector("batch_norm", "bias", bias, x);
        int[] dims = new int[x.dim() - 1];
        for (int i = 0, k = 0; i < x.dim(); i++) if (i != 1) dims[k++] = i;
        Tensor y;
        if (training) {
            long count = x.numel() / Math.max(x.size(1), 1);
            if (count <= 1)
                throw new IllegalArgumentException("batch_norm: expected more than 1 value per channel when training, got input size " + x.shapeString());
            Moments m = moments(x, dims);
            y = standardize("batch_norm", x, dims, m, eps);
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                if (runningMean != null)
                    runningMean.mulInPlace(1f - momentum).addInPlace(m.mean.reshape(runningMean.shape()), momentum);
                if (runningVar != null) {
                    Tensor unbiased = Elementwise.mul(m.var, (float) ((double) count / (count - 1)));
                    runningVar.mulInPlace(1f - momentum).addInPlace(unbiased.reshape(runningVar.shape()), momentum);
                }
            }
        } else {
            if (runningMean == null || runningVar == null)
                throw new IllegalArgumentException("batch_norm: running_mean and running_var must be defined in evaluation mode");
            Tensor rstd = Elementwise.rsqrt(Elementwise.add(channelView(runningVar, x), eps));
            y = Elementwise.mul(Elementwise.sub(x, channelView(runningMean, x)), rstd);
        }
        return affine(y, channelView(weight, x), channelView(bias, x));
    }

    // ---- shared pieces ----------------------------------------------------------------------------

    /** Mean and population variance over dims (kept as size 1), computed without recording. */
    private record Moments(Tensor mean, Tensor var) {}

    private static Moments moments(Tensor x, int[] dims) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor mean = Reductions.mean(x, dims, true);
            Tensor var = Reductions.mean(Elementwise.square(Elementwise.sub(x, mean)), dims, true);
            return new Moments(mean, var);
        }
    }

    /**
     * xhat = (x - mean) * rstd with rstd = rsqrt(var + eps), the statistics being those of x over dims.
     * Backward (the statistics depend on x): dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), means over dims.
     */
    private static Tensor standardize(String op, Tensor x, int[] dims, Moments m, float eps) {
        Tensor xhat, rstd;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            rstd = Elementwise.rsqrt(Elementwise.add(m.var, eps));
            xhat = Elementwise.mul(Elementwise.sub(x, m.mean), rstd);
        }
        return Autograd.record(op, xhat, new Tensor[] {x}, g -> {
            Tensor meanG = Reductions.mean(g, dims, true);
            Tensor meanGx = Reductions.mean(Elementwise.mul(g, xhat), dims, true);
            return new Tensor[] {Elementwise.mul(Elementwise.sub(Elementwise.sub(g, meanG), Elementwise.mul(xhat, meanGx)), rstd)};
        });
    }

    private static Tensor affine(Tensor y, Tensor weight, Tensor bias) {
        Tensor out = weight == null ? y : Elementwise.mul(y, weight);
        return bias == null ? out : Elementwise.add(out, bias);
    }

    /** A [C] vector viewed as [1, C, 1, ...] to broadcast against x [N, C, ...]; null stays null. */
    private static Tensor channelView(Tensor v, Tensor x) {
        if (v == null) return null;
        int[] shape = new int[x.dim()];
        Arrays.fill(shape, 1);
        shape[1] = x.size(1);
        return v.reshape(shape);
    }

    private static void checkChannelVector(String op, String what, Tensor v, Tensor x) {
        if (v != null && (v.dim() != 1 || v.size(0) != x.size(1)))
            throw new IllegalArgumentException(op + ": expected " + what + " to be a vector of size equal to the number of channels in input ("
                    + x.size(1) + "), but got " + what + " of shape " + v.shapeString() + " and input of shape " + x.shapeString());
    }
}
