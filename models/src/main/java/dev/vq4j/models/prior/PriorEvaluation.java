package dev.vq4j.models.prior;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.core.Rng;
import dev.vq4j.models.train.EvalReport;
import dev.vq4j.models.train.TrainingData;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A prior's held-out cross-entropy, in nats and bits per token, in eval mode without gradients. */
public final class PriorEvaluation {
    /** MaskGIT's held-out masks come from this seed, so evaluations at different steps see the same masks. */
    static final long MASK_SEED = 0x5A17_E5A1L;

    private PriorEvaluation() {}

    /**
     * @param grids        code grids evaluated
     * @param natsPerToken mean cross-entropy per predicted token (natural log)
     */
    public record Result(int grids, double natsPerToken) implements EvalReport {
        public double bitsPerToken() {
            return natsPerToken / Math.log(2);
        }

        /** exp(cross-entropy): the effective number of choices per token. */
        public double perplexity() {
            return Math.exp(natsPerToken);
        }

        @Override
        public int count() {
            return grids;
        }

        @Override
        public String countName() {
            return "grids";
        }

        @Override
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("loss", natsPerToken);
            m.put("bits_per_token", bitsPerToken());
            m.put("perplexity", perplexity());
            return m;
        }

        @Override
        public String summary() {
            return String.format(Locale.ROOT, "loss %.4f nats = %.3f bits per token, perplexity %.1f on %d grids", natsPerToken, bitsPerToken(),
                    perplexity(), grids);
        }
    }

    public static Result evaluate(CodePrior prior, TrainingData heldOut, int batchSize) {
        if (heldOut.size() < 1) throw new IllegalArgumentException("evaluation: the held-out codes are empty (" + heldOut.describe() + ")");
        boolean wasTraining = prior.module().isTraining();
        prior.module().eval();
        Rng rng = new Rng(MASK_SEED);
        double sum = 0;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            for (int start = 0; start < heldOut.size(); start += batchSize) {
                int n = Math.min(batchSize, heldOut.size() - start);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) idx[i] = start + i;
                TrainingData.Batch b = heldOut.examples(idx);
                sum += prior.evalLoss(b.inputs(), b.labels(), rng) * n;
            }
        } finally {
            prior.module().train(wasTraining);
        }
        return new Result(heldOut.size(), sum / heldOut.size());
    }
}
