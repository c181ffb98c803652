package dev.vq4j.models.train;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.vqvae.VqVae;

/** Reconstruction quality and codebook use of a {@link VqVae} over a whole dataset, in eval mode, without gradients. */
public final class Evaluation {
    private Evaluation() {}

    /**
     * @param psnr       mean over images of the per-image PSNR (dB, peak 1, reconstructions clamped to [0, 1])
     * @param ssim       mean over images of SSIM (NaN when not computed)
     * @param usage      fraction of codes used at least once over the whole set
     * @param perplexity exp(entropy) of the code histogram over the whole set
     * @param codeCounts occurrences of each code
     */
    public record Result(int images, double mse, double psnr, double ssim, double usage, double perplexity, long[] codeCounts) {}

    /** PSNR, usage and perplexity (no SSIM: cheaper, for evaluation during training). */
    public static Result evaluate(VqVae model, ImageDataset data, int batchSize) {
        return evaluate(model, data, batchSize, false);
    }

    public static Result evaluate(VqVae model, ImageDataset data, int batchSize, boolean withSsim) {
        if (data.size() < 1) throw new IllegalArgumentException("evaluation: the dataset is empty (" + data.describe() + ")");
        boolean wasTraining = model.isTraining();
        model.eval();
        long[] counts = new long[model.quantizer().codebookSize()];
        double psnrSum = 0, ssimSum = 0, seSum = 0;
        long pixels = 0;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int start = 0; start < data.size(); start += batchSize) {
                int n = Math.min(batchSize, data.size() - start);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) idx[i] = start + i;
                Tensor images = data.batch(idx);
                VqVae.Output out = model.forwardAll(images);
                float[] x = images.contiguous().toFloatArray(), y = out.reconstruction().contiguous().toFloatArray();
                int per = x.length / n;
                for (int i = 0; i < n; i++) {
                    psnrSum += InterimMetrics.psnr(x, y, i * per, per);
                    if (withSsim) ssimSum += InterimMetrics.ssim(x, y, i * per, images.size(1), images.size(2), images.size(3));
                }
                for (int i = 0; i < x.length; i++) {
                    double d = Math.min(1f, Math.max(0f, y[i])) - x[i];
                    seSum += d * d;
                }
                pixels += x.length;
                InterimMetrics.count(out.quantized().indices().toLongArray(), counts);
            }
        } finally {
            model.train(wasTraining);
        }
        int n = data.size();
        return new Result(n, seSum / pixels, psnrSum / n, withSsim ? ssimSum / n : Double.NaN, InterimMetrics.usage(counts),
                InterimMetrics.perplexity(counts), counts);
    }

    /** Fraction of the codebook that appears in the codes (for one training batch). */
    public static float batchUsage(Tensor indices, int codebookSize) {
        long[] counts = new long[codebookSize];
        InterimMetrics.count(indices.toLongArray(), counts);
        return (float) InterimMetrics.usage(counts);
    }
}
