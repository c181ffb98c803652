package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.DType;
import dev.vq4j.models.TokenizerModule;
import dev.vq4j.models.quant.Quantizer;
import dev.vq4j.models.quant.VectorQuantizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * taming-transformers' VQModel (Esser et al. 2021, "Taming Transformers for High-Resolution Image
 * Synthesis"): encoder → quant_conv (1×1, z_channels → embed_dim) → quantize → post_quant_conv
 * (1×1, embed_dim → z_channels) → decoder. State-dict keys equal taming's without the {@code loss.}
 * entries, which belong to {@link VqganLoss}: {@code encoder.*}, {@code decoder.*},
 * {@code quantize.embedding.weight}, {@code quant_conv.*}, {@code post_quant_conv.*}. For training,
 * {@link #attachLoss} adds the loss as the child {@code loss}, as taming's VQModel holds it, so a
 * training checkpoint carries {@code loss.discriminator.*} (and {@code loss.perceptual_loss.*} only
 * when LPIPS weights were loaded). Images are [−1, 1] inside the model; the {@link
 * dev.vq4j.models.ImageTokenizer} methods take and give [0, 1].
 */
public class VqganModel extends TokenizerModule {
    public static final String MODEL_TYPE = "vqgan";
    /** taming's VectorQuantizer beta. */
    public static final float BETA = 0.25f;

    private final VqganConfig config;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Quantizer quantize;
    private final Conv2d quantConv, postQuantConv;
    private VqganLoss loss;

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

    /** Adds the loss as the child {@code loss} (taming's layout); once, before training. */
    public void attachLoss(VqganLoss lossModule) {
        if (loss != null) throw new IllegalStateException("VqganModel: a loss is already attached");
        loss = registerModule("loss", lossModule);
    }

    /** The attached loss, or null. */
    public VqganLoss loss() { return loss; }

    /** The autoencoder's parameters (encoder, decoder, codebook, quant convs): what taming's opt_ae trains. */
    public List<Tensor> autoencoderParameters() {
        List<Tensor> out = new ArrayList<>();
        for (Map.Entry<String, Module> e : namedChildren().entrySet())
            if (!e.getKey().equals("loss")) out.addAll(e.getValue().parameters());
        return out;
    }

    /** taming's names; without loaded LPIPS weights the {@code loss.perceptual_loss.*} entries are left out (they would be random). */
    @Override
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> all = super.stateDict();
        if (loss != null && !loss.perceptualLoss().hasWeights()) all.keySet().removeIf(k -> k.startsWith("loss.perceptual_loss."));
        return all;
    }

    /**
     * Loads taming's names. A state dict that carries {@code loss.perceptual_loss.*} loads LPIPS too;
     * one without them leaves LPIPS unloaded, as {@link #stateDict} writes it.
     */
    @Override
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        if (loss == null) return super.loadStateDict(state, strict);
        Lpips lpips = loss.perceptualLoss();
        boolean had = lpips.hasWeights();
        if (state.keySet().stream().anyMatch(k -> k.startsWith("loss.perceptual_loss."))) lpips.setLoaded(true);
        try {
            return super.loadStateDict(state, strict);
        } catch (RuntimeException e) {
            lpips.setLoaded(had);
            throw e;
        }
    }

    // ---- the tokenizer contract: [0, 1] outside, [−1, 1] inside ---------------------------------

    @Override
    public String modelType() { return MODEL_TYPE; }

    @Override
    public int imageChannels() { return config.inChannels(); }

    @Override
    public int downsampling() { return config.downsamplingFactor(); }

    @Override
    public int codebookSize() { return quantize.codebookSize(); }

    @Override
    public Tensor encodeImages(Tensor images) {
        checkImages(images);
        return inference(() -> encode(images.mul(2f).sub(1f)).indices());
    }

    @Override
    public Tensor decodeCodes(Tensor codes) {
        if (codes.dtype() != DType.INT64 && codes.dtype() != DType.INT32)
            throw new IllegalArgumentException("VqganModel.decodeCodes: expected integer codes, got " + codes.dtype() + " " + codes.shapeString());
        return inference(() -> toUnit(decodeCode(codes)));
    }

    @Override
    public Reconstruction reconstructImages(Tensor images) {
        checkImages(images);
        // from the codes, not the straight-through latents (z + (q − z) differs from q in the last bit), so decode(encode(x)) is exactly this
        return inference(() -> {
            Tensor codes = encode(images.mul(2f).sub(1f)).indices();
            return new Reconstruction(toUnit(decodeCode(codes)), codes);
        });
    }

    /** [−1, 1] → [0, 1], clamped. */
    public static Tensor toUnit(Tensor x) {
        return x.add(1f).mul(0.5f).clamp(0f, 1f);
    }

    private void checkImages(Tensor images) {
        if (images.dim() != 4) throw new IllegalArgumentException("VQGAN: expected images [N, C, H, W], got " + images.shapeString());
        if (images.size(1) != config.inChannels())
            throw new IllegalArgumentException("VQGAN: images " + images.shapeString() + " have " + images.size(1) + " channels, the model expects " + config.inChannels());
        codeGridShape(images.size(2), images.size(3));
    }

    public VqganConfig config() { return config; }
    public Encoder encoder() { return encoder; }
    public Decoder decoder() { return decoder; }
    public Quantizer quantizer() { return quantize; }
}
