package dev.vq4j.models.vqvae;

import dev.vq4j.models.quant.Quantizer;
import dev.vq4j.models.quant.VectorQuantizer;

import java.util.List;

/** Builds the quantiser a {@link VqVaeConfig} names; the one place to add a new kind. */
public final class QuantizerFactory {
    /** The names {@link VqVaeConfig#quantizer()} accepts. */
    public static final List<String> KINDS = List.of("vq");

    private QuantizerFactory() {}

    public static Quantizer create(VqVaeConfig config) {
        return switch (config.quantizer()) {
            case "vq" -> new VectorQuantizer(config.codebookSize(), config.codeDim(), (float) config.beta(), config.legacy());
            default -> throw new IllegalArgumentException("QuantizerFactory: unknown quantizer \"" + config.quantizer() + "\" (one of " + KINDS + ")");
        };
    }
}
