package dev.vq4j.models.vqvae;

import dev.vq4j.core.io.Json;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The shape of a {@link VqVae}, written to every checkpoint as config.json.
 *
 * @param imageChannels    channels of the images (1 grey, 3 RGB)
 * @param hiddenChannels   channels after the encoder's last strided conv (van den Oord: 128 or 256)
 * @param residualChannels channels inside each residual block (van den Oord: 32)
 * @param residualLayers   residual blocks in the encoder and in the decoder
 * @param downsample       spatial downsampling factor, a power of two ≥ 2 (one strided 4×4 conv per factor 2)
 * @param quantizer        which quantiser {@link QuantizerFactory} builds ("vq", ...)
 * @param codebookSize     number of codes K
 * @param codeDim          latent channels D fed to the quantiser
 * @param beta             commitment weight β
 * @param legacy           the quantiser's taming-transformers loss weighting
 * @param options          the quantiser's kind-specific settings ({@link QuantizerOptions}); null means the defaults
 */
public record VqVaeConfig(int imageChannels, int hiddenChannels, int residualChannels, int residualLayers, int downsample,
                          String quantizer, int codebookSize, int codeDim, double beta, boolean legacy, QuantizerOptions options) {

    private static final Set<String> BASE_KEYS = Set.of("image_channels", "hidden_channels", "residual_channels", "residual_layers",
            "downsample", "quantizer", "codebook_size", "code_dim", "beta", "legacy");
    private static final Set<String> KEYS = union(BASE_KEYS, QuantizerOptions.KEYS);

    /** A small model for 32×32 RGB images: 4× downsampling, 128 codes of dimension 16. */
    public static VqVaeConfig defaults() {
        return new VqVaeConfig(3, 64, 32, 2, 4, "vq", 128, 16, 0.25, false);
    }

    /** With the quantiser options' defaults. */
    public VqVaeConfig(int imageChannels, int hiddenChannels, int residualChannels, int residualLayers, int downsample,
                       String quantizer, int codebookSize, int codeDim, double beta, boolean legacy) {
        this(imageChannels, hiddenChannels, residualChannels, residualLayers, downsample, quantizer, codebookSize, codeDim, beta, legacy, null);
    }

    /** The same model with other quantiser options. */
    public VqVaeConfig withOptions(QuantizerOptions o) {
        return new VqVaeConfig(imageChannels, hiddenChannels, residualChannels, residualLayers, downsample, quantizer, codebookSize, codeDim, beta, legacy, o);
    }

    public VqVaeConfig {
        if (options == null) options = QuantizerOptions.DEFAULTS;
        if ("cosine".equals(quantizer)) { // shorthand for vq with l2-normalised codes
            quantizer = "vq";
            options = options.withCosine(true);
        }
        check(imageChannels >= 1, "image_channels must be >= 1, got " + imageChannels);
        check(hiddenChannels >= 2 && hiddenChannels % 2 == 0, "hidden_channels must be an even number >= 2, got " + hiddenChannels);
        check(residualChannels >= 1, "residual_channels must be >= 1, got " + residualChannels);
        check(residualLayers >= 0, "residual_layers must be >= 0, got " + residualLayers);
        check(downsample >= 2 && Integer.bitCount(downsample) == 1, "downsample must be a power of two >= 2 (2, 4, 8, ...), got " + downsample);
        check(quantizer != null && !quantizer.isBlank(), "quantizer must be named (one of " + QuantizerFactory.KINDS + ")");
        check(QuantizerFactory.KINDS.contains(quantizer), "unknown quantizer \"" + quantizer + "\" (one of " + QuantizerFactory.KINDS + ")");
        check(codebookSize >= 1, "codebook_size must be >= 1, got " + codebookSize);
        check(codeDim >= 1, "code_dim must be >= 1, got " + codeDim);
        check(beta >= 0 && Double.isFinite(beta), "beta must be a finite number >= 0, got " + beta);
        String problem = QuantizerFactory.check(quantizer, codebookSize, codeDim, beta, legacy, options);
        if (problem != null) throw new IllegalArgumentException("VqVaeConfig: " + problem);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("VqVaeConfig: " + message);
    }

    /** Number of strided convolutions: log2(downsample). */
    public int stridedLayers() {
        return Integer.numberOfTrailingZeros(downsample);
    }

    /** Checks that images of this size can go through the model, with a message naming both. */
    public void checkImageSize(int height, int width) {
        if (height % downsample != 0 || width % downsample != 0 || height < downsample || width < downsample)
            throw new IllegalArgumentException("VqVae: images of " + height + "x" + width + " px cannot be downsampled by " + downsample
                    + " (height and width must be positive multiples of " + downsample + ")");
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image_channels", imageChannels);
        m.put("hidden_channels", hiddenChannels);
        m.put("residual_channels", residualChannels);
        m.put("residual_layers", residualLayers);
        m.put("downsample", downsample);
        m.put("quantizer", quantizer);
        m.put("codebook_size", codebookSize);
        m.put("code_dim", codeDim);
        m.put("beta", beta);
        m.put("legacy", legacy);
        options.putInto(m, quantizer);
        return m;
    }

    public String toJson() {
        return JsonWriter.pretty(toMap());
    }

    /**
     * Keys missing from the object take their {@link #defaults()} value; unknown keys are errors. For
     * fsq, a missing code_dim and codebook_size follow from the levels; for lfq, a missing
     * codebook_size is 2^code_dim.
     */
    public static VqVaeConfig fromMap(Object parsed) {
        ConfigReader r = new ConfigReader("VqVaeConfig", parsed, KEYS);
        VqVaeConfig d = defaults();
        String kind = r.string("quantizer", d.quantizer);
        QuantizerOptions o = QuantizerOptions.read(r, kind);
        int codeDim = r.integer("code_dim", "fsq".equals(kind) ? o.levels().size() : d.codeDim);
        int codebookSize = r.integer("codebook_size", switch (kind) {
            case "fsq" -> (int) Math.min(Integer.MAX_VALUE, QuantizerOptions.product(o.levels()));
            case "lfq" -> codeDim >= 1 && codeDim <= 30 ? 1 << codeDim : d.codebookSize;
            default -> d.codebookSize;
        });
        return new VqVaeConfig(r.integer("image_channels", d.imageChannels), r.integer("hidden_channels", d.hiddenChannels),
                r.integer("residual_channels", d.residualChannels), r.integer("residual_layers", d.residualLayers),
                r.integer("downsample", d.downsample), kind, codebookSize, codeDim, r.number("beta", d.beta), r.bool("legacy", d.legacy), o);
    }

    public static VqVaeConfig fromJson(String json) {
        return fromMap(Json.parse(json));
    }
}
