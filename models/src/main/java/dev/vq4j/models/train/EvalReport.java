package dev.vq4j.models.train;

import java.util.Map;

/** A held-out evaluation as the trainer logs it: {@link Evaluation.Result} for tokenizers, {@link PriorEvaluation.Result} for priors. */
public interface EvalReport {
    /** How many examples it covered. */
    int count();

    /** What they were, for the log's count field: "images", "grids". */
    String countName();

    /** Named measures for the JSONL log, in order. */
    Map<String, Double> metrics();

    /** One line for the console, e.g. "PSNR 24.31 dB, SSIM 0.81, codebook usage 96.1%, ...". */
    String summary();
}
