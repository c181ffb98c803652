package dev.vq4j.models.metrics;

import dev.vq4j.autograd.Tensor;

/** Peak signal-to-noise ratio for images in [0, 1]: 10·log10(1 / MSE) per image, in dB (+∞ when identical). */
public final class Psnr {
    private Psnr() {}

    /** PSNR of each image of x and y [B, C, H, W]. */
    public static double[] perImage(Tensor x, Tensor y) {
        Images.check("psnr", x, y);
        int b = x.size(0);
        float[] a = x.contiguous().toFloatArray(), c = y.contiguous().toFloatArray();
        int per = a.length / b;
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            double se = 0;
            for (int j = i * per; j < (i + 1) * per; j++) {
                double d = (double) a[j] - c[j];
                se += d * d;
            }
            out[i] = fromMse(se / per);
        }
        return out;
    }

    /** Mean of the per-image PSNRs. */
    public static double mean(Tensor x, Tensor y) {
        double s = 0;
        double[] v = perImage(x, y);
        for (double p : v) s += p;
        return s / v.length;
    }

    /** 10·log10(1 / mse) for data range 1. */
    public static double fromMse(double mse) {
        return mse == 0 ? Double.POSITIVE_INFINITY : -10 * Math.log10(mse);
    }
}
