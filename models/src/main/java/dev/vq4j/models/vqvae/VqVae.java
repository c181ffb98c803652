package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.DType;
import dev.vq4j.core.Shapes;
import dev.vq4j.models.TokenizerModule;
import dev.vq4j.models.quant.Quantizer;

/**
 * VQ-VAE (van den Oord, Vinyals and Kavukcuoglu 2017, "Neural Discrete Representation Learning"):
 * encoder -> quantiser -> decoder. State-dict keys: {@code encoder.*}, {@code quantizer.*}, {@code decoder.*}.
 * Images are in [0, 1] inside the model too.
 */
public final class VqVae extends TokenizerModule {
    public static final String MODEL_TYPE = "vqvae";

    private final VqVaeConfig config;
    private final Encoder encoder;
    private final Quantizer quantizer;
    private final Decoder decoder;

    /** reconstruction [N, C, H, W] and the quantiser's output (quantised latents, loss, codes). */
    public record Output(Tensor reconstruction, Quantizer.Output quantized) {}

    /** The quantiser the config names, built by {@link QuantizerFactory}. */
    public VqVae(VqVaeConfig config) {
        this(config, QuantizerFactory.create(config));
    }

    /** With a given quantiser, whose dimension must equal the config's code_dim. */
    public VqVae(VqVaeConfig config, Quantizer quantizer) {
        if (quantizer.dim() != config.codeDim())
            throw new IllegalArgumentException("VqVae: quantizer " + quantizer.getClass().getSimpleName() + " has dim " + quantizer.dim()
                    + ", the config's code_dim is " + config.codeDim());
        this.config = config;
        this.encoder = registerModule("encoder", new Encoder(config));
        this.quantizer = registerModule("quantizer", quantizer);
        this.decoder = registerModule("decoder", new Decoder(config));
    }

    public VqVaeConfig config() {
        return config;
    }

    public Quantizer quantizer() {
        return quantizer;
    }

    public Output forwardAll(Tensor images) {
        checkImages(images);
        Quantizer.Output q = quantizer.quantize(encoder.forward(images));
        return new Output(decoder.forward(q.quantized()), q);
    }

    /** The reconstruction only. */
    @Override
    public Tensor forward(Tensor images) {
        return forwardAll(images).reconstruction();
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public int imageChannels() {
        return config.imageChannels();
    }

    @Override
    public int downsampling() {
        return config.downsample();
    }

    @Override
    public int codebookSize() {
        return quantizer.codebookSize();
    }

    /** images [N, C, H, W] in [0, 1] -> int64 codes as the quantiser lays them out ([N, H/f, W/f] for plain VQ); no gradients. */
    @Override
    public Tensor encodeImages(Tensor images) {
        checkImages(images);
        return inference(() -> quantizer.quantize(encoder.forward(images)).indices());
    }

    /** codes from {@link #encodeImages} -> images [N, C, h·f, w·f] clamped to [0, 1]; no gradients. */
    @Override
    public Tensor decodeCodes(Tensor indices) {
        if (indices.dtype() != DType.INT64 && indices.dtype() != DType.INT32)
            throw new IllegalArgumentException("VqVae.decodeCodes: expected integer codes, got " + indices.dtype() + " " + indices.shapeString());
        return inference(() -> decoder.forward(quantizer.decode(indices)).clamp(0f, 1f));
    }

    @Override
    public Reconstruction reconstructImages(Tensor images) {
        checkImages(images);
        // from the codes, not the straight-through latents (z + (q − z) differs from q in the last bit), so decode(encode(x)) is exactly this
        return inference(() -> {
            Tensor codes = quantizer.quantize(encoder.forward(images)).indices();
            return new Reconstruction(decoder.forward(quantizer.decode(codes)).clamp(0f, 1f), codes);
        });
    }

    private void checkImages(Tensor images) {
        if (images.dim() != 4)
            throw new IllegalArgumentException("VqVae: expected images [N, C, H, W], got " + images.shapeString());
        if (images.size(1) != config.imageChannels())
            throw new IllegalArgumentException("VqVae: images " + Shapes.str(images.shape()) + " have " + images.size(1)
                    + " channels, the model expects " + config.imageChannels());
        config.checkImageSize(images.size(2), images.size(3));
    }
}
