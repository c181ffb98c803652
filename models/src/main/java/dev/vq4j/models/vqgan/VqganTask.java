package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.optim.Adam;
import dev.vq4j.autograd.optim.AdamW;
import dev.vq4j.autograd.optim.Optimizer;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.train.StepContext;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.train.TokenizerTask;
import dev.vq4j.models.train.TrainingData;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * taming's VQGAN training step (Lightning's two-optimiser loop) as a {@link TrainingTask}: Adam or
 * AdamW (betas 0.5, 0.9, as taming) on the autoencoder (encoder, decoder, codebook, quant convs)
 * minimising {@link VqganLoss#generatorLoss}, then the same on the discriminator minimising
 * {@link VqganLoss#discriminatorLoss} on the same reconstructions (detached). Before
 * {@code disc_start} the discriminator loss is 0 · d, whose step changes nothing, so it is skipped.
 * Images are [0, 1] in the data and [−1, 1] in the model. The checkpoint's weights carry taming's
 * names (the model's keys and {@code loss.*}); {@code optimizer.safetensors} is the autoencoder's,
 * {@code optimizer_disc.safetensors} the discriminator's.
 */
public final class VqganTask implements TokenizerTask {
    private final VqganSpec spec;
    private final VqganModel model;
    private final VqganLoss loss;
    private final Adam optAe, optDisc;
    private final List<Tensor> aeParams, discParams;
    private final Map<String, Optimizer> optimizers;
    private final Consumer<String> messages;
    private boolean announced;

    /** A new model from the spec, initial weights drawn from the train config's seed. */
    public VqganTask(VqganSpec spec, TrainConfig train, Consumer<String> messages) {
        Init.manualSeed(train.seed());
        this.spec = spec;
        this.model = spec.buildWithLoss();
        this.loss = model.loss();
        this.messages = messages == null ? m -> {} : messages;
        this.aeParams = model.autoencoderParameters();
        this.discParams = loss.discriminator().parameters();
        this.optAe = optimizer(aeParams, train);
        this.optDisc = optimizer(discParams, train);
        Map<String, Optimizer> opts = new LinkedHashMap<>();
        opts.put("", optAe);
        opts.put("disc", optDisc);
        this.optimizers = java.util.Collections.unmodifiableMap(opts);
        model.train();
    }

    private static Adam optimizer(List<Tensor> params, TrainConfig t) {
        Adam a = "adamw".equals(t.optimizer()) ? new AdamW(params, t.lr()) : new Adam(params, t.lr());
        a.betas(0.5, 0.9);
        a.weightDecay(t.weightDecay());
        return a;
    }

    /** Loads LPIPS weights (loss.perceptual_loss.* or perceptual_loss.* names); without them the perceptual term is 0. */
    public VqganTask withLpips(Map<String, Tensor> weights) {
        loss.perceptualLoss().loadWeights(weights);
        return this;
    }

    @Override
    public String modelType() {
        return VqganModel.MODEL_TYPE;
    }

    @Override
    public Module model() {
        return model;
    }

    public VqganModel vqgan() {
        return model;
    }

    /** Also refuses images the discriminator cannot take (it would fail at its first step, after disc_start). */
    @Override
    public void checkData(TrainingData train) {
        TokenizerTask.super.checkData(train);
        if (train instanceof dev.vq4j.models.data.ImageDataset images)
            NLayerDiscriminator.checkImageSize(images.height(), images.width(), spec.loss().discNumLayers());
    }

    public VqganSpec spec() {
        return spec;
    }

    @Override
    public ImageTokenizer tokenizer() {
        return model;
    }

    @Override
    public Map<String, Optimizer> optimizers() {
        return optimizers;
    }

    @Override
    public Map<String, Object> configSections() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", spec.modelMap());
        m.put("loss", spec.lossMap());
        return m;
    }

    @Override
    public StepResult step(TrainingData.Batch batch, StepContext ctx) {
        Tensor images = batch.inputs();
        long globalStep = ctx.globalStep();
        Tensor x = images.mul(2f).sub(1f);
        VqganModel.Result r = model.reconstruct(x);
        VqganLoss.GeneratorLoss g = loss.generatorLoss(r.quantizerLoss(), x, r.reconstruction(), globalStep, model.lastLayer());
        boolean discOn = loss.discFactor(globalStep) > 0;
        VqganLoss.DiscriminatorLoss d = discOn ? loss.discriminatorLoss(x, r.reconstruction().detach(), globalStep) : null;
        LinkedHashMap<String, Float> parts = new LinkedHashMap<>();
        float total = ctx.finite("loss", g.loss().item());
        parts.put("l1", ctx.finite("l1", g.recL1().item()));
        if (g.perceptual() != null) parts.put("lpips", ctx.finite("lpips", g.perceptual().item()));
        parts.put("quantizer_loss", ctx.finite("quantizer_loss", r.quantizerLoss().mean().item()));
        parts.put("g_loss", ctx.finite("g_loss", g.gLoss().item()));
        parts.put("d_weight", ctx.finite("d_weight", g.dWeight()));
        parts.put("disc_factor", g.discFactor());
        if (d != null) {
            parts.put("d_loss", ctx.finite("d_loss", d.loss().item()));
            parts.put("logits_real", d.logitsReal().item());
            parts.put("logits_fake", d.logitsFake().item());
        }
        optAe.zeroGrad();
        optDisc.zeroGrad(); // the g-loss reaches the discriminator too; those gradients are cleared below
        g.loss().backward();
        double gradNorm = ctx.clip(aeParams);
        optAe.step();
        if (d != null) {
            if (!announced) {
                messages.accept("step " + ctx.step() + ": discriminator switched on (disc_start " + loss.options().discStart() + ")");
                announced = true;
            }
            optDisc.zeroGrad();
            d.loss().backward();
            ctx.clip(discParams);
            optDisc.step();
        }
        return new StepResult(total, parts, r.indices(), gradNorm);
    }

    /** Sums over the batch of the per-image L1 ([−1, 1] pixels, as taming's rec_loss), LPIPS (when loaded) and g-loss −mean D(x̂). */
    @Override
    public Map<String, Double> evalTermSums(Tensor images, Tensor reconstructions) {
        Tensor x = images.mul(2f).sub(1f), y = reconstructions.mul(2f).sub(1f);
        int n = x.size(0);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("l1", (double) x.sub(y).abs().mean().item() * n);
        if (loss.perceptualLoss().hasWeights()) m.put("lpips", (double) loss.perceptualLoss().distance(x, y).mean().item() * n);
        m.put("g_loss", (double) loss.discriminator().forward(y).mean().neg().item() * n);
        return m;
    }

    @Override
    public Map<String, String> extraFiles() {
        // taming can rebuild a model with its own quantiser from this file
        return spec.isTamingQuantizer() ? Map.of("model.yaml", VqganCheckpoint.toYaml(spec.model(), spec.loss())) : Map.of();
    }

    @Override
    public String describe() {
        VqganConfig c = spec.model();
        return String.format(Locale.ROOT, "VQGAN, %,d autoencoder parameters, %s quantiser with %d codes of dim %d, %dx downsampling; disc_start %d",
                aeParams.stream().mapToLong(Tensor::numel).sum(), spec.quantizer(), c.nEmbed(), c.embedDim(),
                c.downsamplingFactor(), spec.loss().discStart());
    }
}
