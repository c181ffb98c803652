package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.io.SafeTensors;
import dev.vq4j.core.io.TensorData;
import dev.vq4j.core.io.Yaml;
import dev.vq4j.core.io.torch.TorchCheckpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads taming-transformers checkpoints into {@link VqganModel} (and optionally {@link VqganLoss}).
 * Reads a PyTorch {@code .ckpt}/{@code .pt} zip archive through the safe {@link TorchCheckpoint}
 * reader (Lightning's {@code state_dict}) or a {@code .safetensors} file; keys starting with
 * {@code loss.} (discriminator, LPIPS) belong to the loss, everything else to the model. The mapping
 * is by name: a {@link Report} lists missing, unexpected and mis-shaped keys, and a strict load
 * (the default) refuses any of them with one multi-line message, copying nothing.
 */
public final class VqganCheckpoint {
    private VqganCheckpoint() {}

    /** A loaded model, its loss (null unless asked for) and the key report. */
    public record Loaded(VqganConfig config, VqganModel model, VqganLoss loss, Report report) {}

    /** Name-by-name comparison of a state dict with a module's. */
    public record Report(String what, List<String> missing, List<String> unexpected, List<String> misshaped) {
        public boolean clean() {
            return missing.isEmpty() && unexpected.isEmpty() && misshaped.isEmpty();
        }

        /** Multi-line: a summary line, then one line per problem key. */
        public String format() {
            StringBuilder sb = new StringBuilder(what + ": " + missing.size() + " missing, " + unexpected.size() + " unexpected, "
                    + misshaped.size() + " mis-shaped key(s)");
            for (String k : missing) sb.append("\n  missing:    ").append(k);
            for (String k : unexpected) sb.append("\n  unexpected: ").append(k);
            for (String k : misshaped) sb.append("\n  mis-shaped: ").append(k);
            return sb.toString();
        }
    }

    /** The tensors of a checkpoint: {@code .safetensors} by extension, anything else as a torch zip archive. */
    public static LinkedHashMap<String, Tensor> readTensors(Path file) throws IOException {
        Map<String, TensorData> data = file.getFileName().toString().endsWith(".safetensors") ? SafeTensors.read(file)
                : TorchCheckpoint.readStateDict(file);
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : data.entrySet()) out.put(e.getKey(), Tensor.fromData(e.getValue()));
        return out;
    }

    /** Compares a state dict with a module's own keys and shapes. */
    public static Report compare(String what, Module module, Map<String, Tensor> state) {
        Map<String, Tensor> own = module.stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misshaped = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor given = state.get(e.getKey());
            if (given == null) missing.add(e.getKey());
            else if (!Arrays.equals(given.shape(), e.getValue().shape()))
                misshaped.add(e.getKey() + " is " + given.shapeString() + " in the checkpoint, the model's is " + e.getValue().shapeString());
        }
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        return new Report(what, List.copyOf(missing), List.copyOf(unexpected), List.copyOf(misshaped));
    }

    /** Loads a state dict strictly: a missing, unexpected or mis-shaped key fails with the whole report, naming {@code source}. */
    public static void loadStrict(Object source, String what, Module module, Map<String, Tensor> state) {
        Report r = compare(what, module, state);
        if (!r.clean()) throw new IllegalArgumentException("cannot load " + source + ":\n" + r.format());
        module.loadStateDict(state);
    }

    /** Splits a taming state dict into the model's keys and the loss's ({@code loss.} stripped). */
    public static Map<String, Map<String, Tensor>> split(Map<String, Tensor> state) {
        Map<String, Tensor> model = new LinkedHashMap<>(), loss = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().startsWith("loss.")) loss.put(e.getKey().substring(5), e.getValue());
            else model.put(e.getKey(), e.getValue());
        }
        return Map.of("model", model, "loss", loss);
    }

    /** Loads the model only (loss keys ignored), strictly. */
    public static Loaded load(Path configYaml, Path checkpoint) throws IOException {
        return load(readConfig(configYaml), checkpoint, false, true);
    }

    /**
     * Loads a model of the given config from a checkpoint. With withLoss, builds the
     * {@link VqganLoss} from the options and loads its {@code loss.*} keys too (LPIPS keys may be
     * absent altogether: training then runs with perceptual weight 0). Strict: any missing,
     * unexpected or mis-shaped key fails with the full report; non-strict: shape errors still fail,
     * the rest is in the report.
     */
    public static Loaded load(Config config, Path checkpoint, boolean withLoss, boolean strict) throws IOException {
        Map<String, Map<String, Tensor>> parts = split(readTensors(checkpoint));
        VqganModel model = new VqganModel(config.model());
        Report modelReport = compare("VQGAN model from " + checkpoint, model, parts.get("model"));
        VqganLoss loss = null;
        Report lossReport = null;
        if (withLoss) {
            loss = new VqganLoss(config.loss());
            Map<String, Tensor> lossState = parts.get("loss");
            boolean hasLpips = lossState.keySet().stream().anyMatch(k -> k.startsWith("perceptual_loss."));
            Report r = compare("VQGAN loss (loss.*) from " + checkpoint, loss, lossState);
            List<String> missing = hasLpips ? r.missing() : r.missing().stream().filter(k -> !k.startsWith("perceptual_loss.")).toList();
            lossReport = new Report(r.what(), missing, r.unexpected(), r.misshaped());
        }
        List<String> problems = new ArrayList<>();
        for (Report r : new Report[] {modelReport, lossReport}) {
            if (r == null) continue;
            if (strict ? !r.clean() : !r.misshaped().isEmpty()) problems.add(r.format());
        }
        if (!problems.isEmpty())
            throw new IllegalArgumentException("cannot load " + checkpoint + (strict ? " (strict)" : "") + ":\n" + String.join("\n", problems));
        model.loadStateDict(parts.get("model"), false);
        // VqganLoss.loadStateDict marks LPIPS as loaded only when its keys came along
        if (loss != null) loss.loadStateDict(parts.get("loss"), false);
        Report combined = modelReport;
        if (lossReport != null) combined = new Report("VQGAN checkpoint " + checkpoint, concat(modelReport.missing(), prefixed(lossReport.missing())),
                concat(modelReport.unexpected(), prefixed(lossReport.unexpected())), concat(modelReport.misshaped(), prefixed(lossReport.misshaped())));
        return new Loaded(config.model(), model, loss, combined);
    }

    private static List<String> prefixed(List<String> keys) {
        return keys.stream().map(k -> "loss." + k).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    // ---- taming's model.yaml ----------------------------------------------------------------------

    /** The model config and the loss options of a taming config. */
    public record Config(VqganConfig model, VqganLoss.Options loss) {}

    public static Config readConfig(Path yaml) throws IOException {
        try {
            return config(Yaml.read(yaml));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(yaml + ": " + e.getMessage(), e);
        }
    }

    /**
     * taming's {@code model.params}: {@code embed_dim}, {@code n_embed}, {@code ddconfig} (ch, ch_mult,
     * num_res_blocks, attn_resolutions, z_channels, resolution, in_channels, out_ch, dropout,
     * double_z) and {@code lossconfig.params} (disc_start, codebook_weight, disc_num_layers,
     * disc_in_channels, disc_ndf, disc_factor, disc_weight, perceptual_weight, use_actnorm,
     * disc_loss); missing loss parameters take taming's defaults, as does a DummyLoss config.
     */
    public static Config config(Object root) {
        Map<?, ?> params = map(path(root, "model", "params"), "model.params");
        Map<?, ?> dd = map(params.get("ddconfig"), "model.params.ddconfig");
        int zChannels = integer(dd, "z_channels", null);
        VqganConfig model = new VqganConfig(integer(dd, "ch", null), ints(dd, "ch_mult"), integer(dd, "num_res_blocks", null),
                ints(dd, "attn_resolutions"), zChannels, integer(params, "embed_dim", null), integer(params, "n_embed", null),
                integer(dd, "resolution", null), integer(dd, "in_channels", 3), integer(dd, "out_ch", 3),
                (float) number(dd, "dropout", 0.0), bool(dd, "double_z", false));
        Object lc = params.get("lossconfig");
        Map<?, ?> lp = lc instanceof Map<?, ?> m && m.get("params") instanceof Map<?, ?> p ? p : Map.of();
        VqganLoss.Options d = VqganLoss.Options.defaults(0);
        String discLoss = lp.get("disc_loss") == null ? "hinge" : lp.get("disc_loss").toString();
        if (!discLoss.equals("hinge") && !discLoss.equals("vanilla"))
            throw new IllegalArgumentException("lossconfig.params.disc_loss must be hinge or vanilla, got " + discLoss);
        VqganLoss.Options loss = new VqganLoss.Options((long) number(lp, "disc_start", 0), (float) number(lp, "codebook_weight", d.codebookWeight()),
                integer(lp, "disc_num_layers", d.discNumLayers()), integer(lp, "disc_in_channels", d.discInChannels()),
                integer(lp, "disc_ndf", d.discNdf()), (float) number(lp, "disc_factor", d.discFactor()),
                (float) number(lp, "disc_weight", d.discWeight()), (float) number(lp, "perceptual_weight", d.perceptualWeight()),
                bool(lp, "use_actnorm", false), discLoss.equals("hinge") ? VqganLoss.DiscLoss.HINGE : VqganLoss.DiscLoss.VANILLA);
        if (bool(lp, "disc_conditional", false)) throw new IllegalArgumentException("lossconfig.params.disc_conditional=true is not supported");
        return new Config(model, loss);
    }

    /** A taming-style model.yaml for a config (readable by {@link #readConfig} and by taming). */
    public static String toYaml(VqganConfig c, VqganLoss.Options l) {
        return "model:\n"
                + "  target: taming.models.vqgan.VQModel\n"
                + "  params:\n"
                + "    embed_dim: " + c.embedDim() + "\n"
                + "    n_embed: " + c.nEmbed() + "\n"
                + "    ddconfig:\n"
                + "      double_z: False\n"
                + "      z_channels: " + c.zChannels() + "\n"
                + "      resolution: " + c.resolution() + "\n"
                + "      in_channels: " + c.inChannels() + "\n"
                + "      out_ch: " + c.outCh() + "\n"
                + "      ch: " + c.ch() + "\n"
                + "      ch_mult: " + Arrays.toString(c.chMult()) + "\n"
                + "      num_res_blocks: " + c.numResBlocks() + "\n"
                + "      attn_resolutions: " + Arrays.toString(c.attnResolutions()) + "\n"
                + "      dropout: " + c.dropout() + "\n"
                + "    lossconfig:\n"
                + "      target: taming.modules.losses.vqperceptual.VQLPIPSWithDiscriminator\n"
                + "      params:\n"
                + "        disc_conditional: False\n"
                + "        disc_in_channels: " + l.discInChannels() + "\n"
                + "        disc_start: " + l.discStart() + "\n"
                + "        disc_weight: " + l.discWeight() + "\n"
                + "        disc_factor: " + l.discFactor() + "\n"
                + "        disc_num_layers: " + l.discNumLayers() + "\n"
                + "        disc_ndf: " + l.discNdf() + "\n"
                + "        codebook_weight: " + l.codebookWeight() + "\n"
                + "        perceptual_weight: " + l.perceptualWeight() + "\n"
                + "        use_actnorm: " + (l.useActNorm() ? "True" : "False") + "\n"
                + "        disc_loss: " + (l.discLoss() == VqganLoss.DiscLoss.HINGE ? "hinge" : "vanilla") + "\n";
    }

    private static Object path(Object root, String... keys) {
        Object at = root;
        String where = "";
        for (String k : keys) {
            where = where.isEmpty() ? k : where + "." + k;
            if (!(at instanceof Map<?, ?> m) || !m.containsKey(k)) throw new IllegalArgumentException("taming config has no '" + where + "'");
            at = m.get(k);
        }
        return at;
    }

    private static Map<?, ?> map(Object o, String where) {
        if (!(o instanceof Map<?, ?> m)) throw new IllegalArgumentException("'" + where + "' must be a mapping, got " + o);
        return m;
    }

    private static int integer(Map<?, ?> m, String key, Integer fallback) {
        Object v = m.get(key);
        if (v == null) {
            if (fallback == null) throw new IllegalArgumentException("taming config is missing '" + key + "'");
            return fallback;
        }
        if (!(v instanceof Long l) || l != (int) (long) l) throw new IllegalArgumentException("'" + key + "' must be an integer, got " + v);
        return (int) (long) l;
    }

    private static double number(Map<?, ?> m, String key, double fallback) {
        Object v = m.get(key);
        if (v == null) return fallback;
        if (!(v instanceof Number n)) throw new IllegalArgumentException("'" + key + "' must be a number, got " + v);
        return n.doubleValue();
    }

    private static boolean bool(Map<?, ?> m, String key, boolean fallback) {
        Object v = m.get(key);
        if (v == null) return fallback;
        if (!(v instanceof Boolean b)) throw new IllegalArgumentException("'" + key + "' must be true or false, got " + v);
        return b;
    }

    private static int[] ints(Map<?, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) throw new IllegalArgumentException("taming config is missing '" + key + "'");
        if (!(v instanceof List<?> list)) throw new IllegalArgumentException("'" + key + "' must be a list of integers, got " + v);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l)) throw new IllegalArgumentException("'" + key + "' must be a list of integers, got " + v);
            if (l != (int) (long) l) throw new IllegalArgumentException("'" + key + "' entry " + i + " is " + l + ", beyond a 32-bit integer");
            out[i] = (int) (long) l;
        }
        return out;
    }
}
