package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.StateDicts;
import dev.vq4j.autograd.optim.Adam;
import dev.vq4j.core.MemoryScope;
import dev.vq4j.core.Rng;
import dev.vq4j.models.data.ImageDataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * taming's VQGAN training step (Lightning's two-optimiser loop): Adam (betas 0.5, 0.9) on the
 * autoencoder (encoder, decoder, codebook, quant convs) minimising {@link VqganLoss#generatorLoss},
 * then Adam (betas 0.5, 0.9) on the discriminator minimising {@link VqganLoss#discriminatorLoss}
 * on the same reconstructions. Before {@code disc_start} the discriminator loss is 0 · d, whose
 * Adam step changes nothing, so that step is skipped. Batches are drawn from a per-step seeded
 * generator, so a run resumed from a checkpoint continues bit for bit. Images are [0, 1] in the
 * dataset and [−1, 1] in the model, as taming's.
 *
 * <p>Checkpoint directory: {@code model.safetensors} (taming's names: the model's keys plus
 * {@code loss.discriminator.*}, and {@code loss.perceptual_loss.*} when LPIPS weights were loaded;
 * metadata {@code step}), {@code optimizer_ae.safetensors}, {@code optimizer_disc.safetensors} and
 * taming's {@code model.yaml}; {@link VqganCheckpoint} and {@code vq4j reconstruct --config} read it.
 */
public final class VqganTrainer {
    /** Learning rate (taming: base_learning_rate × batch size), batch size and the seed of the batch order. */
    public record Settings(double lr, int batchSize, long seed) {
        public Settings {
            if (!(lr > 0)) throw new IllegalArgumentException("VQGAN training: lr must be positive, got " + lr);
            if (batchSize < 1) throw new IllegalArgumentException("VQGAN training: batch size must be >= 1, got " + batchSize);
        }
    }

    /** What one step logged (taming's names): total autoencoder loss, L1, codebook loss, g_loss, adaptive weight, disc loss. */
    public record StepResult(long step, float aeLoss, float recL1, float codebookLoss, float gLoss, float dWeight, float discFactor,
                             float discLoss, float logitsReal, float logitsFake) {}

    private final VqganModel model;
    private final VqganLoss loss;
    private final ImageDataset data;
    private final Settings settings;
    private final Adam optAe, optDisc;
    private final Consumer<String> messages;
    private long step;
    private boolean announced;

    public VqganTrainer(VqganModel model, VqganLoss loss, ImageDataset data, Settings settings, Consumer<String> messages) {
        if (data.channels() != model.config().inChannels())
            throw new IllegalArgumentException("VQGAN training: the images have " + data.channels() + " channels, the model expects " + model.config().inChannels());
        if (data.height() % model.config().downsamplingFactor() != 0 || data.width() % model.config().downsamplingFactor() != 0)
            throw new IllegalArgumentException("VQGAN training: images " + data.width() + "x" + data.height() + " px, sides must be divisible by "
                    + model.config().downsamplingFactor());
        this.model = model;
        this.loss = loss;
        this.data = data;
        this.settings = settings;
        this.messages = messages;
        optAe = new Adam(model.parameters(), settings.lr()).betas(0.5, 0.9);
        optDisc = new Adam(loss.discriminator().parameters(), settings.lr()).betas(0.5, 0.9);
        model.train();
        loss.train();
        loss.effectivePerceptualWeight(); // says once, up front, when LPIPS has no weights
    }

    /** The batch of a step: indices from a generator seeded by (seed, step). */
    public Tensor batch(long atStep) {
        Rng rng = new Rng(settings.seed() * 0x9E3779B97F4A7C15L + atStep);
        int[] idx = new int[settings.batchSize()];
        for (int i = 0; i < idx.length; i++) idx[i] = (int) rng.nextLong(data.size());
        return data.batch(idx).mul(2f).sub(1f);
    }

    /** One generator step and (after disc_start) one discriminator step; the step's tensors are freed when it returns. */
    public StepResult step() {
        StepResult out;
        try (MemoryScope stepScope = MemoryScope.open()) {
            Tensor x = batch(step);
            VqganModel.Result r = model.reconstruct(x);
            VqganLoss.GeneratorLoss g = loss.generatorLoss(r.quantizerLoss(), x, r.reconstruction(), step, model.lastLayer());
            optAe.zeroGrad();
            optDisc.zeroGrad(); // the g-loss reaches the discriminator too; its gradients die with this step's scope
            g.loss().backward();
            optAe.step();
            float dLoss = 0, real = 0, fake = 0;
            if (loss.discFactor(step) > 0) {
                if (!announced) {
                    messages.accept("step " + step + ": discriminator switched on (disc_start " + loss.options().discStart() + ")");
                    announced = true;
                }
                optDisc.zeroGrad();
                VqganLoss.DiscriminatorLoss d = loss.discriminatorLoss(x, r.reconstruction().detach(), step);
                d.loss().backward();
                optDisc.step();
                dLoss = d.loss().item();
                real = d.logitsReal().item();
                fake = d.logitsFake().item();
            }
            try (GradMode.Scope noGrad = GradMode.noGrad()) {
                out = new StepResult(step, g.loss().item(), g.recL1().item(), r.quantizerLoss().mean().item(), g.gLoss().item(), g.dWeight(),
                        g.discFactor(), dLoss, real, fake);
            }
        }
        step++;
        return out;
    }

    /** Images [N, C, H, W] in [0, 1] and their reconstructions, for PNG grids. */
    public Tensor[] samples(Tensor imagesUnit) {
        model.eval();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor recon = model.forward(imagesUnit.mul(2f).sub(1f)).add(1f).mul(0.5f).clamp(0f, 1f);
            return new Tensor[] {imagesUnit, recon};
        } finally {
            model.train();
        }
    }

    /** taming-named weights: model keys and loss.* (LPIPS only when loaded). */
    public LinkedHashMap<String, Tensor> weights() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>(model.stateDict());
        for (Map.Entry<String, Tensor> e : loss.stateDict().entrySet()) {
            if (e.getKey().startsWith("perceptual_loss.") && !loss.perceptualLoss().hasWeights()) continue;
            out.put("loss." + e.getKey(), e.getValue());
        }
        return out;
    }

    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        StateDicts.save(dir.resolve("model.safetensors"), weights(), Map.of("step", Long.toString(step), "format", "taming VQModel state_dict"));
        StateDicts.save(dir.resolve("optimizer_ae.safetensors"), optAe.stateDict());
        StateDicts.save(dir.resolve("optimizer_disc.safetensors"), optDisc.stateDict());
        Files.writeString(dir.resolve("model.yaml"), VqganCheckpoint.toYaml(model.config(), loss.options()));
    }

    /** Continues a run saved by {@link #save}: weights (strict), both optimisers and the step count. */
    public static VqganTrainer resume(Path dir, ImageDataset data, Settings settings, Consumer<String> messages) throws IOException {
        VqganCheckpoint.Loaded l = VqganCheckpoint.load(VqganCheckpoint.readConfig(dir.resolve("model.yaml")), dir.resolve("model.safetensors"), true, true);
        VqganTrainer t = new VqganTrainer(l.model(), l.loss(), data, settings, messages);
        t.optAe.loadStateDict(StateDicts.load(dir.resolve("optimizer_ae.safetensors")));
        t.optDisc.loadStateDict(StateDicts.load(dir.resolve("optimizer_disc.safetensors")));
        String s = dev.vq4j.core.io.SafeTensors.readWithMetadata(dir.resolve("model.safetensors")).metadata().get("step");
        if (s == null) throw new IllegalArgumentException(dir.resolve("model.safetensors") + " has no 'step' metadata: not a vq4j VQGAN training checkpoint");
        t.step = Long.parseLong(s);
        return t;
    }

    public long stepCount() { return step; }
    public VqganModel model() { return model; }
    public VqganLoss loss() { return loss; }
}
