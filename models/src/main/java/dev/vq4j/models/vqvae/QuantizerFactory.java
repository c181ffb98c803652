package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.nn.Init;
import dev.vq4j.core.Rng;
import dev.vq4j.models.quant.EmaVectorQuantizer;
import dev.vq4j.models.quant.FactorizedVectorQuantizer;
import dev.vq4j.models.quant.FiniteScalarQuantizer;
import dev.vq4j.models.quant.LookupFreeQuantizer;
import dev.vq4j.models.quant.Quantizer;
import dev.vq4j.models.quant.ResidualVectorQuantizer;
import dev.vq4j.models.quant.VectorQuantizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the quantiser a {@link VqVaeConfig} names and checks that its settings fit together; the one
 * place to add a new kind. Kinds: {@code vq} (van den Oord), {@code ema} (codes by moving averages),
 * {@code factorized} (low-dimensional cosine codes), {@code residual} (stages of vq), {@code fsq}
 * (finite scalar, codebook = levels), {@code lfq} (lookup-free, 2^code_dim codes). {@code cosine} is
 * accepted as shorthand for vq with {@code cosine: true}.
 */
public final class QuantizerFactory {
    /** The names {@link VqVaeConfig#quantizer()} accepts (before the cosine shorthand is resolved). */
    public static final List<String> KINDS = List.of("vq", "ema", "cosine", "factorized", "residual", "fsq", "lfq");
    /** LFQ's entropy enumerates 2^D codes and evaluation counts them: keep D small. */
    public static final int MAX_LFQ_DIM = 16;
    /** FSQ codebooks are counted in evaluation; 2^24 codes is plenty. */
    public static final long MAX_FSQ_CODES = 1L << 24;

    private QuantizerFactory() {}

    public static Quantizer create(VqVaeConfig config) {
        return create(config.quantizer(), config.codebookSize(), config.codeDim(), config.beta(), config.legacy(), config.options());
    }

    /** The quantiser of a kind with K codes of dimension D (any model: VQ-VAE, VQGAN, ...); check the settings with {@link #check} first. */
    public static Quantizer create(String kind, int k, int d, double betaValue, boolean legacy, QuantizerOptions o) {
        float beta = (float) betaValue;
        return switch (kind) {
            case "vq" -> configure(new VectorQuantizer(k, d, beta, legacy, split()).cosine(o.cosine()), o);
            case "ema" -> configure(new EmaVectorQuantizer(k, d, beta, (float) o.emaDecay(), (float) o.emaEps(), split()).cosine(o.cosine()), o);
            case "residual" -> {
                List<VectorQuantizer> stages = new ArrayList<>();
                for (int s = 0; s < o.stages(); s++) stages.add(configure(new VectorQuantizer(k, d, beta, false, split()).cosine(o.cosine()), o));
                yield new ResidualVectorQuantizer(stages, split()).quantizeDropout(o.quantizeDropout());
            }
            case "factorized" -> {
                FactorizedVectorQuantizer f = new FactorizedVectorQuantizer(k, d, o.factorDim(), beta, split());
                configure(f.inner(), o);
                yield f;
            }
            case "fsq" -> new FiniteScalarQuantizer(o.levels().stream().mapToInt(Integer::intValue).toArray());
            case "lfq" -> new LookupFreeQuantizer(d).entropyWeight((float) o.entropyWeight()).commitmentWeight(beta);
            default -> throw new IllegalArgumentException("QuantizerFactory: unknown quantizer \"" + kind + "\" (one of " + KINDS + ")");
        };
    }

    /** Each quantiser gets its own generator, split from the global one (seeded by the trainer). */
    private static Rng split() {
        return Init.globalRng().split();
    }

    private static VectorQuantizer configure(VectorQuantizer q, QuantizerOptions o) {
        return q.kmeansInit(o.kmeansIters()).deadCodeThreshold((float) o.deadCodeThreshold());
    }

    /** The first problem with these settings, as one line, or null when they fit together. */
    public static String check(String kind, int codebookSize, int codeDim, double beta, boolean legacy, QuantizerOptions o) {
        Map<String, Object> values = o.all(), defaults = QuantizerOptions.DEFAULTS.all();
        for (String key : values.keySet()) {
            List<String> kinds = QuantizerOptions.appliesTo(key);
            if (!kinds.contains(kind) && !values.get(key).equals(defaults.get(key)))
                return key + " does not apply to the " + kind + " quantizer (only to " + String.join(", ", kinds) + ")";
        }
        if (legacy && !kind.equals("vq")) return "legacy applies only to the vq quantizer, not " + kind;
        if (o.kmeansIters() < 0) return "kmeans_iters must be >= 0, got " + o.kmeansIters();
        if (!(o.deadCodeThreshold() >= 0) || !Double.isFinite(o.deadCodeThreshold()))
            return "dead_code_threshold must be a finite number >= 0, got " + o.deadCodeThreshold();
        if (!(o.emaDecay() >= 0 && o.emaDecay() < 1)) return "ema_decay must be in [0, 1), got " + o.emaDecay();
        if (!(o.emaEps() > 0) || !Double.isFinite(o.emaEps())) return "ema_eps must be > 0, got " + o.emaEps();
        if (o.stages() < 1 || o.stages() > 64) return "stages must be in 1..64, got " + o.stages();
        if (o.factorDim() < 1) return "factor_dim must be >= 1, got " + o.factorDim();
        if (!(o.entropyWeight() >= 0) || !Double.isFinite(o.entropyWeight())) return "entropy_weight must be a finite number >= 0, got " + o.entropyWeight();
        switch (kind) {
            case "fsq" -> {
                if (o.levels().isEmpty()) return "fsq needs levels, e.g. [8, 5, 5, 5]";
                for (int l : o.levels()) if (l < 2 || l > 1 << 16) return "fsq levels must each be in 2..65536, got " + o.levels();
                if (o.levels().size() > 24 || QuantizerOptions.product(o.levels()) > MAX_FSQ_CODES)
                    return "fsq levels " + o.levels() + " give more than 2^24 codes";
                long product = QuantizerOptions.product(o.levels());
                if (codeDim != o.levels().size())
                    return "fsq with levels " + o.levels() + " quantises " + o.levels().size() + " channels, so code_dim must be " + o.levels().size() + ", got " + codeDim;
                if (codebookSize != product)
                    return "fsq with levels " + o.levels() + " has " + product + " codes, so codebook_size must be " + product + ", got " + codebookSize;
            }
            case "lfq" -> {
                if (codeDim > MAX_LFQ_DIM) return "lfq code_dim must be <= " + MAX_LFQ_DIM + " (2^code_dim codes), got " + codeDim;
                if (codebookSize != 1 << codeDim)
                    return "lfq with code_dim " + codeDim + " has 2^" + codeDim + " = " + (1 << codeDim) + " codes, so codebook_size must be " + (1 << codeDim) + ", got " + codebookSize;
            }
            case "factorized" -> {
                if (o.factorDim() > codeDim) return "factorized factor_dim (" + o.factorDim() + ") must be <= code_dim (" + codeDim + ")";
            }
            default -> {}
        }
        return null;
    }
}
