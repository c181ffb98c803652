package dev.vq4j.models.train;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.metrics.CodebookUsage;
import dev.vq4j.models.metrics.Psnr;
import dev.vq4j.models.metrics.Ssim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/** Reconstruction quality and codebook use of any {@link ImageTokenizer} over a whole dataset, in eval mode, without gradients. */
public final class Evaluation {
    private Evaluation() {}

    /**
     * @param psnr       mean over images of the per-image PSNR (dB, peak 1, reconstructions clamped to [0, 1], a perfect image counted as 100 dB)
     * @param ssim       mean over images of SSIM (NaN when not computed or the images are smaller than SSIM's 11×11 window)
     * @param usage      fraction of codes used at least once over the whole set
     * @param perplexity exp(entropy) of the code histogram over the whole set
     * @param codeCounts occurrences of each code
     * @param terms      the model's own measures, means over images (VQGAN: l1, lpips, g_loss)
     */
    public record Result(int images, double mse, double psnr, double ssim, double usage, double perplexity, long[] codeCounts,
                         Map<String, Double> terms) implements EvalReport {
        @Override
        public int count() {
            return images;
        }

        @Override
        public String countName() {
            return "images";
        }

        @Override
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("mse", mse);
            m.put("psnr", psnr);
            if (!Double.isNaN(ssim)) m.put("ssim", ssim);
            m.put("usage", usage);
            m.put("perplexity", perplexity);
            m.putAll(terms);
            return m;
        }

        @Override
        public String summary() {
            StringBuilder extra = new StringBuilder();
            terms.forEach((k, v) -> extra.append(String.format(Locale.ROOT, ", %s %.4f", k, v)));
            String s = Double.isNaN(ssim) ? "" : String.format(Locale.ROOT, ", SSIM %.4f", ssim);
            return String.format(Locale.ROOT, "PSNR %.2f dB%s, codebook usage %.1f%%, perplexity %.1f%s on %d images", psnr, s, 100 * usage, perplexity,
                    extra, images);
        }
    }

    /** PSNR, usage and perplexity (no SSIM: cheaper, for evaluation during training). */
    public static Result evaluate(ImageTokenizer model, ImageDataset data, int batchSize) {
        return evaluate(model, data, batchSize, false, null);
    }

    public static Result evaluate(ImageTokenizer model, ImageDataset data, int batchSize, boolean withSsim) {
        return evaluate(model, data, batchSize, withSsim, null);
    }

    /**
     * @param termSums the model's extra measures of a batch (images, reconstructions, both [0, 1]) as sums over its images; null for none
     */
    public static Result evaluate(ImageTokenizer model, ImageDataset data, int batchSize, boolean withSsim,
                                  BiFunction<Tensor, Tensor, Map<String, Double>> termSums) {
        if (data.size() < 1) throw new IllegalArgumentException("evaluation: the dataset is empty (" + data.describe() + ")");
        if (data.channels() != model.imageChannels())
            throw new IllegalArgumentException("evaluation: the images have " + data.channels() + " channels (" + data.describe() + "), the model expects "
                    + model.imageChannels());
        boolean wasTraining = model.module().isTraining();
        model.module().eval();
        Map<String, Double> terms = new LinkedHashMap<>();
        CodebookUsage usage = new CodebookUsage(model.codebookSize());
        boolean ssim = withSsim && data.height() >= Ssim.WINDOW && data.width() >= Ssim.WINDOW;
        double psnrSum = 0, ssimSum = 0, seSum = 0;
        long pixels = 0;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int start = 0; start < data.size(); start += batchSize) {
                int n = Math.min(batchSize, data.size() - start);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) idx[i] = start + i;
                Tensor images = data.batch(idx);
                ImageTokenizer.Reconstruction out = model.reconstructImages(images);
                Tensor recon = out.images();
                if (termSums != null) termSums.apply(images, recon).forEach((k, v) -> terms.merge(k, v, Double::sum));
                for (double p : Psnr.perImage(images, recon)) psnrSum += Math.min(100, p);
                if (ssim) ssimSum += Ssim.perImage(images, recon).sum().item();
                float[] x = images.contiguous().toFloatArray(), y = recon.contiguous().toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    double d = (double) y[i] - x[i];
                    seSum += d * d;
                }
                pixels += x.length;
                usage.add(out.codes());
            }
        } finally {
            model.module().train(wasTraining);
        }
        int n = data.size();
        terms.replaceAll((k, v) -> v / n);
        return new Result(n, seSum / pixels, psnrSum / n, ssim ? ssimSum / n : Double.NaN, usage.percentUsed() / 100,
                usage.perplexity(), usage.counts(), java.util.Collections.unmodifiableMap(terms));
    }

    /** Fraction of the codebook that appears in the codes (for one training batch). */
    public static float batchUsage(Tensor indices, int codebookSize) {
        return (float) (new CodebookUsage(codebookSize).add(indices).percentUsed() / 100);
    }
}
