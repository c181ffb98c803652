package dev.vq4j.models.vqgan;

import dev.vq4j.models.vqvae.ConfigReader;
import dev.vq4j.models.vqvae.QuantizerFactory;
import dev.vq4j.models.vqvae.QuantizerOptions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything that builds a VQGAN: taming's architecture ({@link VqganConfig}), the quantiser (any
 * vq4j kind, with the same names and options as a VQ-VAE's: {@code quantizer}, {@code beta},
 * {@code legacy}, {@link QuantizerOptions}; its codebook is n_embed codes of dimension embed_dim)
 * and the loss ({@link VqganLoss.Options}). A taming checkpoint is {@link #taming}: plain vq, beta
 * 0.25, legacy loss weighting. Written to a checkpoint's config.json as the {@code model} and
 * {@code loss} sections, with taming's key names.
 */
public record VqganSpec(VqganConfig model, String quantizer, double beta, boolean legacy, QuantizerOptions options, VqganLoss.Options loss) {
    private static final Set<String> ARCH_KEYS = Set.of("ch", "ch_mult", "num_res_blocks", "attn_resolutions", "z_channels", "embed_dim",
            "n_embed", "resolution", "in_channels", "out_ch", "dropout");
    private static final Set<String> MODEL_KEYS = union(union(ARCH_KEYS, Set.of("quantizer", "beta", "legacy")), QuantizerOptions.KEYS);
    private static final Set<String> LOSS_KEYS = Set.of("disc_start", "codebook_weight", "disc_num_layers", "disc_in_channels", "disc_ndf",
            "disc_factor", "disc_weight", "perceptual_weight", "use_actnorm", "disc_loss");

    public VqganSpec {
        if (options == null) options = QuantizerOptions.DEFAULTS;
        if ("cosine".equals(quantizer)) { // shorthand for vq with l2-normalised codes, as in VqVaeConfig
            quantizer = "vq";
            options = options.withCosine(true);
        }
        if (quantizer == null || !QuantizerFactory.KINDS.contains(quantizer))
            throw new IllegalArgumentException("VQGAN: unknown quantizer \"" + quantizer + "\" (one of " + QuantizerFactory.KINDS + ")");
        if (!(beta >= 0) || !Double.isFinite(beta)) throw new IllegalArgumentException("VQGAN: beta must be a finite number >= 0, got " + beta);
        String problem = QuantizerFactory.check(quantizer, model.nEmbed(), model.embedDim(), beta, legacy, options);
        if (problem != null)
            throw new IllegalArgumentException("VQGAN: " + problem.replace("codebook_size", "codebook_size (n_embed)").replace("code_dim", "code_dim (embed_dim)"));
        if (loss.discInChannels() != model.outCh())
            throw new IllegalArgumentException("VQGAN: disc_in_channels " + loss.discInChannels() + " must equal out_ch " + model.outCh());
    }

    /** What a taming checkpoint holds: taming's VectorQuantizer (beta 0.25, legacy loss). */
    public static VqganSpec taming(VqganCheckpoint.Config c) {
        return new VqganSpec(c.model(), "vq", VqganModel.BETA, true, QuantizerOptions.DEFAULTS, c.loss());
    }

    /** The model with initial weights drawn from {@link Init}'s global generator. */
    public VqganModel build() {
        return new VqganModel(model, QuantizerFactory.create(quantizer, model.nEmbed(), model.embedDim(), beta, legacy, options));
    }

    /** The model with its loss attached as the child {@code loss} (taming's names), for training. */
    public VqganModel buildWithLoss() {
        VqganModel m = build();
        m.attachLoss(new VqganLoss(loss));
        return m;
    }

    /** Whether the model is taming's own (so its model.yaml describes it completely). */
    public boolean isTamingQuantizer() {
        return quantizer.equals("vq") && legacy && beta == VqganModel.BETA && options.equals(QuantizerOptions.DEFAULTS);
    }

    // ---- config.json sections ---------------------------------------------------------------------

    public Map<String, Object> modelMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ch", model.ch());
        m.put("ch_mult", list(model.chMult()));
        m.put("num_res_blocks", model.numResBlocks());
        m.put("attn_resolutions", list(model.attnResolutions()));
        m.put("z_channels", model.zChannels());
        m.put("embed_dim", model.embedDim());
        m.put("n_embed", model.nEmbed());
        m.put("resolution", model.resolution());
        m.put("in_channels", model.inChannels());
        m.put("out_ch", model.outCh());
        m.put("dropout", (double) model.dropout());
        m.put("quantizer", quantizer);
        m.put("beta", beta);
        m.put("legacy", legacy);
        options.putInto(m, quantizer);
        return m;
    }

    public Map<String, Object> lossMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("disc_start", loss.discStart());
        m.put("codebook_weight", (double) loss.codebookWeight());
        m.put("disc_num_layers", loss.discNumLayers());
        m.put("disc_in_channels", loss.discInChannels());
        m.put("disc_ndf", loss.discNdf());
        m.put("disc_factor", (double) loss.discFactor());
        m.put("disc_weight", (double) loss.discWeight());
        m.put("perceptual_weight", (double) loss.perceptualWeight());
        m.put("use_actnorm", loss.useActNorm());
        m.put("disc_loss", loss.discLoss() == VqganLoss.DiscLoss.HINGE ? "hinge" : "vanilla");
        return m;
    }

    /**
     * Reads the {@code model} and {@code loss} sections. Every architecture key is required (a
     * checkpoint always writes them); quantiser keys default to taming's quantiser, loss keys to
     * taming's defaults (disc_start 0); unknown keys are errors.
     */
    public static VqganSpec fromMaps(Object modelSection, Object lossSection) {
        ConfigReader r = new ConfigReader("VQGAN model", modelSection, MODEL_KEYS);
        for (String k : ARCH_KEYS) if (!r.has(k)) throw new IllegalArgumentException("VQGAN model: missing \"" + k + "\"");
        VqganConfig c = new VqganConfig(r.integer("ch", 0), ints(r, "ch_mult"), r.integer("num_res_blocks", 0), ints(r, "attn_resolutions"),
                r.integer("z_channels", 0), r.integer("embed_dim", 0), r.integer("n_embed", 0), r.integer("resolution", 0),
                r.integer("in_channels", 0), r.integer("out_ch", 0), (float) r.number("dropout", 0), false);
        String kind = r.string("quantizer", "vq");
        QuantizerOptions o = QuantizerOptions.read(r, kind);
        VqganLoss.Options d = VqganLoss.Options.defaults(0);
        ConfigReader l = new ConfigReader("VQGAN loss", lossSection == null ? Map.of() : lossSection, LOSS_KEYS);
        String discLoss = l.string("disc_loss", "hinge");
        if (!discLoss.equals("hinge") && !discLoss.equals("vanilla")) throw new IllegalArgumentException("VQGAN loss: disc_loss must be hinge or vanilla, got " + discLoss);
        VqganLoss.Options loss = new VqganLoss.Options(l.longValue("disc_start", d.discStart()), (float) l.number("codebook_weight", d.codebookWeight()),
                l.integer("disc_num_layers", d.discNumLayers()), l.integer("disc_in_channels", d.discInChannels()), l.integer("disc_ndf", d.discNdf()),
                (float) l.number("disc_factor", d.discFactor()), (float) l.number("disc_weight", d.discWeight()),
                (float) l.number("perceptual_weight", d.perceptualWeight()), l.bool("use_actnorm", d.useActNorm()),
                discLoss.equals("hinge") ? VqganLoss.DiscLoss.HINGE : VqganLoss.DiscLoss.VANILLA);
        return new VqganSpec(c, kind, r.number("beta", VqganModel.BETA), r.bool("legacy", kind.equals("vq")), o, loss);
    }

    private static int[] ints(ConfigReader r, String key) {
        long[] v = r.longs(key);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != (int) v[i]) throw new IllegalArgumentException("VQGAN model: \"" + key + "\" holds " + v[i] + ", which is not an int");
            out[i] = (int) v[i];
        }
        return out;
    }

    private static List<Object> list(int[] v) {
        List<Object> out = new ArrayList<>();
        for (int x : v) out.add(x);
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }
}
