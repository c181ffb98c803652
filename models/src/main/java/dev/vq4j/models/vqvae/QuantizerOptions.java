package dev.vq4j.models.vqvae;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kind-specific settings of a VQ-VAE's quantiser (JSON keys in the model config in brackets).
 * Which kinds read which setting is {@link #appliesTo}; {@link QuantizerFactory#check} rejects a
 * non-default value for a kind that would ignore it.
 *
 * @param cosine            l2-normalised codes and latents (cosine) — vq, ema, residual
 * @param kmeansIters       Lloyd iterations of k-means initialisation on the first batch, 0 = off (kmeans_iters) — vq, ema, residual, factorized
 * @param deadCodeThreshold restart codes whose moving-average use per batch falls below this, 0 = off (dead_code_threshold) — vq, ema, residual, factorized
 * @param emaDecay          EMA decay γ of counts and sums (ema_decay) — ema
 * @param emaEps            Laplace smoothing ε (ema_eps) — ema
 * @param stages            residual stages (stages) — residual; 1 elsewhere
 * @param quantizeDropout   train with a random number of leading stages (quantize_dropout) — residual
 * @param levels            levels per channel, e.g. [8, 5, 5, 5] (levels) — fsq; empty elsewhere
 * @param factorDim         low code dimension the codes live in (factor_dim) — factorized
 * @param entropyWeight     weight of the entropy loss (entropy_weight) — lfq
 */
public record QuantizerOptions(boolean cosine, int kmeansIters, double deadCodeThreshold, double emaDecay, double emaEps, int stages,
                               boolean quantizeDropout, List<Integer> levels, int factorDim, double entropyWeight) {
    public static final QuantizerOptions DEFAULTS = new QuantizerOptions(false, 0, 0, 0.99, 1e-5, 1, false, List.of(), 8, 0.1);
    /** What {@code fsq} and {@code residual} use when levels or stages are not given. */
    public static final List<Integer> DEFAULT_LEVELS = List.of(8, 5, 5, 5);
    public static final int DEFAULT_STAGES = 4;

    public static final Set<String> KEYS = Set.of("cosine", "kmeans_iters", "dead_code_threshold", "ema_decay", "ema_eps", "stages",
            "quantize_dropout", "levels", "factor_dim", "entropy_weight");

    public QuantizerOptions {
        levels = levels == null ? List.of() : List.copyOf(levels);
    }

    public QuantizerOptions withCosine(boolean on) {
        return new QuantizerOptions(on, kmeansIters, deadCodeThreshold, emaDecay, emaEps, stages, quantizeDropout, levels, factorDim, entropyWeight);
    }

    public QuantizerOptions withDeadCodeThreshold(double t) {
        return new QuantizerOptions(cosine, kmeansIters, t, emaDecay, emaEps, stages, quantizeDropout, levels, factorDim, entropyWeight);
    }

    /** The kinds that read a key. */
    public static List<String> appliesTo(String key) {
        return switch (key) {
            case "cosine" -> List.of("vq", "ema", "residual");
            case "kmeans_iters", "dead_code_threshold" -> List.of("vq", "ema", "residual", "factorized");
            case "ema_decay", "ema_eps" -> List.of("ema");
            case "stages", "quantize_dropout" -> List.of("residual");
            case "levels" -> List.of("fsq");
            case "factor_dim" -> List.of("factorized");
            case "entropy_weight" -> List.of("lfq");
            default -> throw new IllegalArgumentException("QuantizerOptions: no key " + key);
        };
    }

    /** Every key with its value, in a fixed order. */
    public Map<String, Object> all() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cosine", cosine);
        m.put("kmeans_iters", kmeansIters);
        m.put("dead_code_threshold", deadCodeThreshold);
        m.put("ema_decay", emaDecay);
        m.put("ema_eps", emaEps);
        m.put("stages", stages);
        m.put("quantize_dropout", quantizeDropout);
        m.put("levels", levels);
        m.put("factor_dim", factorDim);
        m.put("entropy_weight", entropyWeight);
        return m;
    }

    /** Adds the keys that {@code kind} reads (so a config file shows only what matters). */
    public void putInto(Map<String, Object> m, String kind) {
        for (Map.Entry<String, Object> e : all().entrySet())
            if (appliesTo(e.getKey()).contains(kind)) m.put(e.getKey(), e.getValue());
    }

    /** Reads the keys present, with kind-dependent defaults for stages and levels. */
    public static QuantizerOptions read(ConfigReader r, String kind) {
        QuantizerOptions d = DEFAULTS;
        List<Integer> levels = d.levels;
        if (r.has("levels")) {
            levels = new ArrayList<>();
            for (long v : r.longs("levels")) {
                if (v != (int) v) throw new IllegalArgumentException("VqVaeConfig: \"levels\" must be an array of integers");
                levels.add((int) v);
            }
        } else if ("fsq".equals(kind)) {
            levels = DEFAULT_LEVELS;
        }
        return new QuantizerOptions(r.bool("cosine", d.cosine), r.integer("kmeans_iters", d.kmeansIters),
                r.number("dead_code_threshold", d.deadCodeThreshold), r.number("ema_decay", d.emaDecay), r.number("ema_eps", d.emaEps),
                r.integer("stages", "residual".equals(kind) ? DEFAULT_STAGES : d.stages), r.bool("quantize_dropout", d.quantizeDropout), levels,
                r.integer("factor_dim", d.factorDim), r.number("entropy_weight", d.entropyWeight));
    }

    public static long product(List<Integer> levels) {
        long p = 1;
        for (int l : levels) p = Math.multiplyExact(p, Math.max(1, l));
        return p;
    }
}
