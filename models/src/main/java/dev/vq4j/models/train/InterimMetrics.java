package dev.vq4j.models.train;

/**
 * Stand-in image and codebook metrics on host arrays until {@code dev.vq4j.models.metrics} lands;
 * swap the calls in {@link Evaluation} for those and delete this class.
 */
final class InterimMetrics {
    private InterimMetrics() {}

    /** PSNR in dB of one image with peak 1: 10·log10(1 / MSE); 100 dB for a perfect match. */
    static double psnr(float[] a, float[] b, int from, int length) {
        double se = 0;
        for (int i = from; i < from + length; i++) {
            double d = Math.min(1f, Math.max(0f, a[i])) - Math.min(1f, Math.max(0f, b[i]));
            se += d * d;
        }
        double mse = se / length;
        return mse == 0 ? 100 : 10 * Math.log10(1 / mse);
    }

    /**
     * Mean SSIM (Wang et al. 2004) of one [C, H, W] image with peak 1: Gaussian window 11×11, σ = 1.5
     * (shrunk to the image when smaller), valid positions only, averaged over positions and channels;
     * C1 = 0.01², C2 = 0.03².
     */
    static double ssim(float[] a, float[] b, int from, int channels, int height, int width) {
        int k = Math.min(11, Math.min(height, width));
        double[] w = gaussian(k, 1.5);
        double c1 = 1e-4, c2 = 9e-4, total = 0;
        int count = 0;
        for (int c = 0; c < channels; c++) {
            int base = from + c * height * width;
            for (int y = 0; y + k <= height; y++) {
                for (int x = 0; x + k <= width; x++) {
                    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            double wt = w[i] * w[j];
                            double p = clamp(a[base + (y + i) * width + x + j]), q = clamp(b[base + (y + i) * width + x + j]);
                            mx += wt * p;
                            my += wt * q;
                            sxx += wt * p * p;
                            syy += wt * q * q;
                            sxy += wt * p * q;
                        }
                    }
                    double vx = sxx - mx * mx, vy = syy - my * my, cov = sxy - mx * my;
                    total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
                    count++;
                }
            }
        }
        return total / count;
    }

    private static double clamp(float v) {
        return Math.min(1f, Math.max(0f, v));
    }

    private static double[] gaussian(int k, double sigma) {
        double[] w = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            double d = i - (k - 1) / 2.0;
            w[i] = Math.exp(-d * d / (2 * sigma * sigma));
            sum += w[i];
        }
        for (int i = 0; i < k; i++) w[i] /= sum;
        return w;
    }

    /** Perplexity exp(H) of the code histogram, H the entropy in nats; K for uniform use, 1 for one code. */
    static double perplexity(long[] counts) {
        long n = 0;
        for (long c : counts) n += c;
        if (n == 0) return 0;
        double h = 0;
        for (long c : counts) {
            if (c == 0) continue;
            double p = (double) c / n;
            h -= p * Math.log(p);
        }
        return Math.exp(h);
    }

    /** Fraction of codes used at least once. */
    static double usage(long[] counts) {
        int used = 0;
        for (long c : counts) if (c > 0) used++;
        return (double) used / counts.length;
    }

    /** Adds code occurrences into counts (codes outside [0, K) are an error naming the value). */
    static void count(long[] codes, long[] counts) {
        for (long c : codes) {
            if (c < 0 || c >= counts.length) throw new IllegalStateException("code " + c + " is outside the codebook [0, " + counts.length + ")");
            counts[(int) c]++;
        }
    }
}
