package dev.vq4j.models.metrics;

import dev.vq4j.autograd.Convolution;
import dev.vq4j.autograd.Tensor;

/**
 * Structural similarity (Wang et al. 2004) for images in [0, 1], as pytorch-msssim's {@code ssim}
 * (and skimage with gaussian_weights=True, use_sample_covariance=False): per channel, Gaussian
 * window 11×11 with σ = 1.5 applied without padding ("valid"), μ = G∗x, σ_x² = G∗x² − μ_x²,
 * σ_xy = G∗xy − μ_xμ_y, C1 = (0.01)², C2 = (0.03)²,
 * SSIM map = (2μ_xμ_y + C1)(2σ_xy + C2) / ((μ_x² + μ_y² + C1)(σ_x² + σ_y² + C2)),
 * averaged over channels and positions per image. Differentiable, so it can serve as a loss.
 */
public final class Ssim {
    public static final int WINDOW = 11;
    public static final double SIGMA = 1.5, K1 = 0.01, K2 = 0.03;

    private Ssim() {}

    /** SSIM per image [B] of x and y [B, C, H, W] (H, W ≥ 11). */
    public static Tensor perImage(Tensor x, Tensor y) {
        Images.check("ssim", x, y);
        int c = x.size(1);
        if (x.size(2) < WINDOW || x.size(3) < WINDOW)
            throw new IllegalArgumentException("ssim: images " + x.shapeString() + " are smaller than the " + WINDOW + "x" + WINDOW + " window");
        Tensor g = window(c, x);
        float c1 = (float) (K1 * K1), c2 = (float) (K2 * K2);
        Tensor mx = blur(x, g, c), my = blur(y, g, c);
        Tensor mx2 = mx.square(), my2 = my.square(), mxy = mx.mul(my);
        Tensor sx = blur(x.square(), g, c).sub(mx2), sy = blur(y.square(), g, c).sub(my2), sxy = blur(x.mul(y), g, c).sub(mxy);
        Tensor num = mxy.mul(2f).add(c1).mul(sxy.mul(2f).add(c2));
        Tensor den = mx2.add(my2).add(c1).mul(sx.add(sy).add(c2));
        return num.div(den).flatten(1, 3).mean(1, false);
    }

    public static double mean(Tensor x, Tensor y) {
        return perImage(x, y).mean().item();
    }

    private static Tensor blur(Tensor x, Tensor g, int channels) {
        return Convolution.conv2d(x, g, null, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, channels);
    }

    /** Depthwise Gaussian window [C, 1, 11, 11] = outer product of the normalised 1-D Gaussian. */
    static Tensor window(int channels, Tensor like) {
        double[] g1 = new double[WINDOW];
        double s = 0;
        for (int i = 0; i < WINDOW; i++) {
            double t = i - WINDOW / 2;
            g1[i] = Math.exp(-(t * t) / (2 * SIGMA * SIGMA));
            s += g1[i];
        }
        float[] w = new float[channels * WINDOW * WINDOW];
        for (int ch = 0; ch < channels; ch++)
            for (int i = 0; i < WINDOW; i++)
                for (int j = 0; j < WINDOW; j++) w[(ch * WINDOW + i) * WINDOW + j] = (float) (g1[i] / s * g1[j] / s);
        return Tensor.of(like.device(), w, channels, 1, WINDOW, WINDOW);
    }
}
