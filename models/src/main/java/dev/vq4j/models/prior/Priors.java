package dev.vq4j.models.prior;

import dev.vq4j.core.Rng;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.prior.gpt.GptPrior;
import dev.vq4j.models.prior.gpt.GptPriorConfig;
import dev.vq4j.models.prior.gpt.TamingTransformer;
import dev.vq4j.models.prior.maskgit.MaskGitConfig;
import dev.vq4j.models.prior.maskgit.MaskGitPrior;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.vqgan.VqganCheckpoint;
import dev.vq4j.models.vqvae.ConfigReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place that builds and loads priors: {@code model_type} "gpt" (taming's Net2NetTransformer) or
 * "maskgit". A vq4j prior checkpoint's config.json has a {@code model} section (the prior's config)
 * and a {@code data} section: {@code codes} (the file it trained on), {@code tokenizer} (the checkpoint
 * the codes came from, which decodes its samples) and {@code classes} (label names, for a
 * class-conditional prior).
 */
public final class Priors {
    public static final String GPT = "gpt", MASKGIT = "maskgit";
    public static final List<String> MODEL_TYPES = List.of(GPT, MASKGIT);

    private Priors() {}

    /**
     * A prior ready to sample.
     *
     * @param tokenizer  decodes its codes; null when neither the checkpoint's record nor the caller gave one
     * @param classNames label names, or null (unconditional, or a taming model without names)
     */
    public record Loaded(CodePrior prior, ImageTokenizer tokenizer, List<String> classNames, Path source) {}

    /** A new prior with initial weights from {@code seed}. */
    public static CodePrior create(String modelType, Map<String, Object> model, long seed) {
        return switch (modelType) {
            case GPT -> new GptPrior(GptPriorConfig.fromMap(model), new Rng(seed));
            case MASKGIT -> new MaskGitPrior(MaskGitConfig.fromMap(model), new Rng(seed));
            default -> throw new IllegalArgumentException("unknown prior model_type \"" + modelType + "\" (one of " + MODEL_TYPES + ")");
        };
    }

    /**
     * The {@code model} section for training on {@code codes}: the codebook size, grid and classes come
     * from the codes (a given value that disagrees is an error), the rest from {@code given} or the defaults.
     *
     * @param conditional false trains an unconditional prior on labelled codes
     */
    public static Map<String, Object> modelSection(String modelType, Map<String, Object> given, CodeDataset codes, boolean conditional) {
        Map<String, Object> m = new LinkedHashMap<>(given);
        int classes = conditional ? codes.numClasses() : 0;
        fromCodes(m, "codebook_size", codes.codebookSize());
        fromCodes(m, "grid_h", codes.height());
        fromCodes(m, "grid_w", codes.width());
        fromCodes(m, "n_classes", classes);
        ConfigReader r = new ConfigReader(modelType + " prior config", m, modelType.equals(GPT) ? GPT_KEYS : MASKGIT_KEYS);
        int layers = r.integer("n_layer", DEFAULT_LAYERS), heads = r.integer("n_head", DEFAULT_HEADS), width = r.integer("n_embd", DEFAULT_WIDTH);
        float dropout = (float) r.number("dropout", 0), pUncond = (float) r.number("p_uncond", classes > 0 ? DEFAULT_P_UNCOND : 0);
        if (pUncond > 0 && classes == 0) throw new IllegalArgumentException("prior config: p_uncond " + pUncond + " needs labelled codes (classifier-free guidance drops labels)");
        return switch (modelType) {
            case GPT -> GptPriorConfig.standard(codes.codebookSize(), codes.height(), codes.width(), classes, layers, heads, width, dropout,
                    (float) r.number("pkeep", 1), pUncond).toMap();
            case MASKGIT -> {
                m.put("n_layer", (long) layers);
                m.put("n_head", (long) heads);
                m.put("n_embd", (long) width);
                m.put("dropout", (double) dropout);
                m.put("p_uncond", (double) pUncond);
                yield MaskGitConfig.fromMap(m).toMap();
            }
            default -> throw new IllegalArgumentException("unknown prior model_type \"" + modelType + "\" (one of " + MODEL_TYPES + ")");
        };
    }

    /** The keys a prior's model section may give (the GPT's transformer layout is derived from them: {@link GptPriorConfig#standard}). */
    private static final Set<String> GPT_KEYS = Set.of("codebook_size", "grid_h", "grid_w", "n_classes", "n_layer", "n_head", "n_embd", "dropout",
            "pkeep", "p_uncond"),
            MASKGIT_KEYS = Set.of("codebook_size", "grid_h", "grid_w", "n_classes", "n_layer", "n_head", "n_embd", "dropout", "p_uncond",
                    "mlp_hidden", "mlp_ratio");

    /** Defaults of a prior trained here: small enough for a CPU, large enough for 8x8 to 16x16 grids. */
    public static final int DEFAULT_LAYERS = 4, DEFAULT_HEADS = 4, DEFAULT_WIDTH = 128;
    public static final double DEFAULT_P_UNCOND = 0.1;

    private static void fromCodes(Map<String, Object> m, String key, int value) {
        Object v = m.get(key);
        if (v != null && (!(v instanceof Number n) || n.longValue() != value))
            throw new IllegalArgumentException("prior config: " + key + " is " + v + ", the codes have " + value);
        m.put(key, (long) value);
    }

    /** The {@code data} section of a prior trained on {@code codes} (read from {@code codesFile}). */
    public static Map<String, Object> dataSection(Path codesFile, CodeDataset codes, boolean conditional) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("codes", codesFile.toAbsolutePath().toString());
        if (codes.tokenizer() != null) d.put("tokenizer", codes.tokenizer());
        if (conditional && codes.classNames() != null) d.put("classes", new ArrayList<Object>(codes.classNames()));
        return d;
    }

    /**
     * Loads a prior: a vq4j run or checkpoint directory, or with {@code tamingYaml} a taming
     * {@code cond_transformer} checkpoint (prior and tokenizer from one file).
     *
     * @param tokenizer the tokenizer to decode with, overriding the one the checkpoint records; may be null
     */
    public static Loaded load(Path path, Path tamingYaml, Path tokenizer) {
        if (!Files.exists(path)) throw new IllegalArgumentException("prior " + path + " does not exist");
        if (tamingYaml != null || Files.isRegularFile(path)) {
            if (tamingYaml == null)
                throw new IllegalArgumentException(path + " is a file: a taming transformer checkpoint needs its yaml (--config), a vq4j prior is a run or checkpoint directory");
            TamingTransformer.Loaded t;
            try {
                t = TamingTransformer.load(tamingYaml, path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
            }
            ImageTokenizer tok = tokenizer != null ? ImageTokenizer.load(tokenizer) : t.tokenizer();
            return new Loaded(t.prior(), tok, null, path);
        }
        Path dir = Checkpoints.resolve(path);
        Checkpoints.Info info = Checkpoints.info(dir);
        if (!MODEL_TYPES.contains(info.modelType()))
            throw new IllegalArgumentException(dir + " holds a " + info.modelType() + ", not a prior (" + MODEL_TYPES + "); sample from a prior trained with vq4j train --model gpt|maskgit");
        @SuppressWarnings("unchecked")
        Map<String, Object> model = (Map<String, Object>) info.sections().get("model");
        CodePrior prior = create(info.modelType(), model, 0);
        Path weights = dir.resolve(Checkpoints.MODEL);
        try {
            VqganCheckpoint.loadStrict(weights, info.modelType() + " weights " + weights, prior.module(), VqganCheckpoint.readTensors(weights));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint " + dir + " is missing " + Path.of(e.getFile()).getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + weights + ": " + e.getMessage(), e);
        }
        prior.module().eval();
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) info.sections().getOrDefault("data", Map.of());
        List<String> names = null;
        if (data.get("classes") instanceof List<?> l) {
            names = new ArrayList<>();
            for (Object o : l) names.add(String.valueOf(o));
        }
        ImageTokenizer tok = null;
        if (tokenizer != null) tok = ImageTokenizer.load(tokenizer);
        else if (data.get("tokenizer") instanceof String t && Files.exists(Path.of(t))) tok = ImageTokenizer.load(Path.of(t));
        return new Loaded(prior, tok, names, dir);
    }

    /** The tokenizer path a prior checkpoint records (what it was trained on), or null. */
    public static String recordedTokenizer(Path priorRun) {
        Checkpoints.Info info = Checkpoints.info(Checkpoints.resolve(priorRun));
        return info.sections().get("data") instanceof Map<?, ?> d && d.get("tokenizer") instanceof String t ? t : null;
    }
}
