package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.models.quant.Quantizer;
import dev.vq4j.models.quant.VectorQuantizer;

/**
 * taming-transformers' VQModel (Esser et al. 2021, "Taming Transformers for High-Resolution Image
 * Synthesis"): encoder → quant_conv (1×1, z_channels → embed_dim) → quantize → post_quant_conv
 * (1×1, embed_dim → z_channels) → decoder. State-dict keys equal taming's without the {@code loss.}
 * entries, which belong to {@link VqganLoss}: {@code encoder.*}, {@code decoder.*},
 * {@code quantize.embedding.weight}, {@code quant_conv.*}, {@code post_quant_conv.*}.
 */
public class VqganModel extends Module {
    /** taming's VectorQuantizer beta. */
    public static final float BETA = 0.25f;

    private final VqganConfig config;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Quantizer quantize;
    private final Conv2d quantConv, postQuantConv;

    /** With taming's quantiser: nearest code, beta 0.25, legacy loss weighting (as its checkpoints were trained). */
    public VqganModel(VqganConfig config) {
        this(config, new VectorQuantizer(config.nEmbed(), config.embedDim(), BETA, true));
    }

    /** With any quantiser whose dim is embed_dim. */
    public VqganModel(VqganConfig config, Quantizer quantizer) {
        this.config = config;
        encoder = registerModule("encoder", new Encoder(config));
        decoder = registerModule("decoder", new Decoder(config));
        quantize = registerModule("quantize", quantizer);
        quantConv = registerModule("quant_conv", new Conv2d(config.zChannels(), config.embedDim(), 1));
        postQuantConv = registerModule("post_quant_conv", new Conv2d(config.embedDim(), config.zChannels(), 1));
    }

    /** Image [N, in_channels, H, W] → pre-quantisation latents quant_conv(encoder(x)) [N, embed_dim, H/f, W/f]. */
    public Tensor encodeToPrequant(Tensor x) {
        return quantConv.forward(encoder.forward(x));
    }

    /** taming's encode: (quantised latents, quantiser loss, codes [N, H/f, W/f]). */
    public Quantizer.Output encode(Tensor x) {
        return quantize.quantize(encodeToPrequant(x));
    }

    /** Quantised latents [N, embed_dim, h, w] → image [N, out_ch, h·f, w·f]. */
    public Tensor decode(Tensor quant) {
        return decoder.forward(postQuantConv.forward(quant));
    }

    /** Codes as produced by {@link #encode} → image. */
    public Tensor decodeCode(Tensor indices) {
        return decode(quantize.decode(indices));
    }

    /** Reconstruction and quantiser loss, as taming's forward. */
    public record Result(Tensor reconstruction, Tensor quantizerLoss, Tensor indices) {}

    public Result reconstruct(Tensor x) {
        Quantizer.Output q = encode(x);
        return new Result(decode(q.quantized()), q.loss(), q.indices());
    }

    /** The reconstruction only. */
    @Override
    public Tensor forward(Tensor x) {
        return reconstruct(x).reconstruction();
    }

    /** decoder.conv_out.weight, the layer for the adaptive GAN weight. */
    public Tensor lastLayer() {
        return decoder.convOutWeight();
    }

    public VqganConfig config() { return config; }
    public Encoder encoder() { return encoder; }
    public Decoder decoder() { return decoder; }
    public Quantizer quantizer() { return quantize; }
}
