package dev.vq4j.models.train;

import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.optim.Adam;
import dev.vq4j.autograd.optim.AdamW;
import dev.vq4j.autograd.optim.Optimizer;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.vqvae.VqVae;
import dev.vq4j.models.vqvae.VqVaeConfig;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Training a {@link VqVae}: loss = MSE(reconstruction, images) + quantiser loss, one Adam or AdamW optimiser. */
public final class VqVaeTask implements TokenizerTask {
    private final VqVae model;
    private final Adam optimizer;

    public VqVaeTask(VqVae model, TrainConfig train) {
        this.model = model;
        this.optimizer = "adamw".equals(train.optimizer()) ? new AdamW(model.parameters(), train.lr()) : new Adam(model.parameters(), train.lr());
        optimizer.weightDecay(train.weightDecay());
    }

    /** A new model from its config, initial weights drawn from the seed. */
    public static VqVaeTask create(VqVaeConfig config, TrainConfig train) {
        return new VqVaeTask(Trainer.newModel(config, train.seed()), train);
    }

    @Override
    public String modelType() {
        return VqVae.MODEL_TYPE;
    }

    @Override
    public Module model() {
        return model;
    }

    public VqVae vqvae() {
        return model;
    }

    @Override
    public ImageTokenizer tokenizer() {
        return model;
    }

    @Override
    public Map<String, Optimizer> optimizers() {
        return Map.of("", optimizer);
    }

    @Override
    public Map<String, Object> configSections() {
        return Map.of("model", model.config().toMap());
    }

    @Override
    public StepResult step(TrainingData.Batch batch, StepContext ctx) {
        Tensor images = batch.inputs();
        optimizer.zeroGrad();
        VqVae.Output out = model.forwardAll(images);
        Tensor reconLoss = Losses.mse(out.reconstruction(), images, Losses.Reduction.MEAN);
        Tensor quantLoss = out.quantized().loss();
        Tensor loss = reconLoss.add(quantLoss);
        LinkedHashMap<String, Float> parts = new LinkedHashMap<>();
        parts.put("recon_loss", ctx.finite("recon_loss", reconLoss.item()));
        parts.put("quantizer_loss", ctx.finite("quantizer_loss", quantLoss.item()));
        float lossValue = ctx.finite("loss", loss.item());
        loss.backward();
        double gradNorm = ctx.clip(model.parameters());
        optimizer.step();
        return new StepResult(lossValue, parts, out.quantized().indices(), gradNorm);
    }

    @Override
    public String describe() {
        VqVaeConfig c = model.config();
        return String.format(Locale.ROOT, "VQ-VAE, %,d parameters, %s quantiser with %d codes of dim %d, %dx downsampling", model.numParameters(),
                c.quantizer(), c.codebookSize(), c.codeDim(), c.downsample());
    }
}
