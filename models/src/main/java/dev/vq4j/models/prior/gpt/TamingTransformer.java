package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.io.Yaml;
import dev.vq4j.models.vqgan.VqganCheckpoint;
import dev.vq4j.models.vqgan.VqganModel;
import dev.vq4j.models.vqgan.VqganSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a taming-transformers {@code cond_transformer.Net2NetTransformer} Lightning checkpoint: its yaml
 * ({@code model.params}: {@code transformer_config}, {@code first_stage_config},
 * {@code cond_stage_config}, {@code permuter_config}, {@code pkeep}, {@code sos_token},
 * {@code unconditional}) and its {@code .ckpt} ({@code state_dict} with {@code transformer.*} for the
 * GPT, {@code first_stage_model.*} for the VQGAN, and nothing under {@code cond_stage_model.*} or
 * {@code permuter.*}: SOSProvider, Labelator and Identity hold no parameters). Supported conditioning:
 * unconditional ({@code __is_unconditional__}, {@code unconditional: true} or an SOSProvider) and
 * class labels (Labelator: the label is the token, class_offset 0, no null class); any other cond
 * stage or permuter is refused by name. The code grid is the first stage's latent grid,
 * resolution / 2^(len(ch_mult)−1) on each side.
 */
public final class TamingTransformer {
    private TamingTransformer() {}

    /** The prior, the VQGAN that tokenizes for it (eval mode), and the config read. */
    public record Loaded(GptPrior prior, VqganModel tokenizer, Config config) {}

    /** The prior's config and the first stage's. */
    public record Config(GptPriorConfig prior, VqganCheckpoint.Config firstStage) {}

    public static Loaded load(Path yaml, Path checkpoint) throws IOException {
        Config config;
        try {
            config = config(Yaml.read(yaml));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(yaml + ": " + e.getMessage(), e);
        }
        return load(config, checkpoint);
    }

    /** Builds both models and loads them strictly (any missing, unexpected or mis-shaped key fails with the full list). */
    public static Loaded load(Config config, Path checkpoint) throws IOException {
        Map<String, Tensor> first = new LinkedHashMap<>(), transformer = new LinkedHashMap<>();
        List<String> stray = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : VqganCheckpoint.readTensors(checkpoint).entrySet()) {
            String k = e.getKey();
            if (k.startsWith("first_stage_model.")) {
                String rest = k.substring("first_stage_model.".length());
                if (!rest.startsWith("loss.")) first.put(rest, e.getValue()); // a first stage trained with its loss attached
            } else if (k.startsWith("transformer.")) transformer.put(k.substring("transformer.".length()), e.getValue());
            else stray.add(k);
        }
        VqganModel vqgan = VqganSpec.taming(config.firstStage()).build();
        Gpt gpt = new Gpt(config.prior().gpt());
        List<String> problems = new ArrayList<>();
        for (VqganCheckpoint.Report r : new VqganCheckpoint.Report[] {
                VqganCheckpoint.compare("first stage (first_stage_model.*)", vqgan, first),
                VqganCheckpoint.compare("transformer (transformer.*)", gpt, transformer)})
            if (!r.clean()) problems.add(r.format());
        if (!stray.isEmpty())
            problems.add("keys outside first_stage_model.* and transformer.* (cond_stage_model and permuter must hold none): " + stray);
        if (!problems.isEmpty()) throw new IllegalArgumentException("cannot load " + checkpoint + " as a Net2NetTransformer:\n" + String.join("\n", problems));
        vqgan.loadStateDict(first, true);
        gpt.loadStateDict(transformer, true); // checks the causal masks
        vqgan.eval();
        gpt.eval();
        return new Loaded(new GptPrior(config.prior(), gpt), vqgan, config);
    }

    /** Reads taming's transformer yaml (parsed). */
    public static Config config(Object root) {
        Map<?, ?> model = map(get(root, "model"), "model");
        Object target = model.get("target");
        if (target != null && !target.toString().endsWith("cond_transformer.Net2NetTransformer"))
            throw new IllegalArgumentException("model.target is " + target + ", expected taming.models.cond_transformer.Net2NetTransformer");
        Map<?, ?> params = map(get(model, "params"), "model.params");

        Map<?, ?> tc = map(get(params, "transformer_config"), "model.params.transformer_config");
        expectTarget(tc, "mingpt.GPT", "transformer_config");
        GptConfig gpt = GptConfig.fromMap(tc.get("params"));

        Map<?, ?> fs = map(get(params, "first_stage_config"), "model.params.first_stage_config");
        expectTarget(fs, "taming.models.vqgan.VQModel", "first_stage_config");
        VqganCheckpoint.Config first = VqganCheckpoint.config(Map.of("model", fs));

        Object permuter = params.get("permuter_config");
        if (permuter != null) {
            Object pt = permuter instanceof Map<?, ?> pm ? pm.get("target") : permuter;
            if (pt == null || !pt.toString().endsWith("permuter.Identity"))
                throw new IllegalArgumentException("permuter_config " + pt + " is not supported (only taming.modules.transformer.permuter.Identity)");
        }

        int sos = integer(params.get("sos_token"), 0, "sos_token");
        int classes = 0;
        Object cond = params.get("cond_stage_config");
        boolean unconditional = Boolean.TRUE.equals(params.get("unconditional")) || "__is_unconditional__".equals(cond);
        if (!unconditional) {
            Map<?, ?> cs = cond instanceof Map<?, ?> m ? m : null;
            String ct = cs == null || cs.get("target") == null ? String.valueOf(cond) : cs.get("target").toString();
            Map<?, ?> cp = cs != null && cs.get("params") instanceof Map<?, ?> p ? p : Map.of();
            if (ct.endsWith("util.SOSProvider")) sos = integer(cp.get("sos_token"), sos, "cond_stage_config.params.sos_token");
            else if (ct.endsWith("util.Labelator")) {
                classes = integer(cp.get("n_classes"), null, "cond_stage_config.params.n_classes");
                if (classes < 1) throw new IllegalArgumentException("cond_stage_config.params.n_classes must be >= 1, got " + classes);
            } else
                throw new IllegalArgumentException("cond_stage_config " + ct + " is not supported (unconditional, SOSProvider or Labelator only)");
        }
        double pkeep = params.get("pkeep") instanceof Number n ? n.doubleValue() : 1.0;
        int down = first.model().downsamplingFactor();
        int h = first.model().resolution() / down;
        GptPriorConfig prior = new GptPriorConfig(first.model().nEmbed(), h, h, classes, sos, 0, (float) pkeep, 0f, gpt);
        return new Config(prior, first);
    }

    private static void expectTarget(Map<?, ?> m, String suffix, String what) {
        Object t = m.get("target");
        if (t == null || !t.toString().endsWith(suffix))
            throw new IllegalArgumentException(what + ".target " + t + " is not supported (expected ..." + suffix + ")");
    }

    private static Object get(Object m, String key) {
        if (!(m instanceof Map<?, ?> map) || !map.containsKey(key)) throw new IllegalArgumentException("taming transformer config has no '" + key + "'");
        return map.get(key);
    }

    private static Map<?, ?> map(Object o, String where) {
        if (!(o instanceof Map<?, ?> m)) throw new IllegalArgumentException("'" + where + "' must be a mapping, got " + o);
        return m;
    }

    private static int integer(Object v, Integer fallback, String what) {
        if (v == null) {
            if (fallback == null) throw new IllegalArgumentException("taming transformer config is missing '" + what + "'");
            return fallback;
        }
        if (!(v instanceof Long l) || l != (int) (long) l) throw new IllegalArgumentException("'" + what + "' must be an integer, got " + v);
        return (int) (long) l;
    }
}
