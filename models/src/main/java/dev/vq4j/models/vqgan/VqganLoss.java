package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Autograd;
import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.Module;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * taming's VQLPIPSWithDiscriminator. Generator (autoencoder) step:
 * <pre>
 *   nll  = mean(|x − x̂| + perceptual_weight · LPIPS(x, x̂))
 *   g    = −mean(D(x̂))
 *   λ    = clamp(‖∇_W nll‖ / (‖∇_W g‖ + 1e-4), 0, 1e4) · disc_weight      (W = decoder.conv_out.weight, detached)
 *   loss = nll + λ · disc_factor · g + codebook_weight · mean(codebook_loss)
 * </pre>
 * Discriminator step: disc_factor · hinge or vanilla loss on D(x) and D(x̂) (inputs detached).
 * disc_factor is 0 before {@code disc_start}. Children {@code perceptual_loss} ({@link Lpips}) and
 * {@code discriminator} ({@link NLayerDiscriminator}) carry taming's {@code loss.*} names.
 * Without LPIPS weights the perceptual term is dropped (weight 0), with one message saying so.
 */
public class VqganLoss extends Module {
    public enum DiscLoss { HINGE, VANILLA }

    /** taming's constructor arguments (defaults: codebook 1, disc layers 3, ndf 64, factor 1, weight 1, perceptual 1, hinge). */
    public record Options(long discStart, float codebookWeight, int discNumLayers, int discInChannels, int discNdf, float discFactor,
                          float discWeight, float perceptualWeight, boolean useActNorm, DiscLoss discLoss) {
        public static Options defaults(long discStart) {
            return new Options(discStart, 1f, 3, 3, 64, 1f, 1f, 1f, false, DiscLoss.HINGE);
        }
    }

    /** Generator-step loss and what taming logs. dWeight and discFactor are plain numbers. */
    public record GeneratorLoss(Tensor loss, Tensor nll, Tensor recL1, Tensor perceptual, Tensor gLoss, float dWeight, float discFactor) {}

    public record DiscriminatorLoss(Tensor loss, Tensor logitsReal, Tensor logitsFake) {}

    private final Options options;
    private final Lpips perceptualLoss;
    private final NLayerDiscriminator discriminator;
    private boolean warnedNoPerceptual;

    public VqganLoss(Options options) {
        this.options = options;
        perceptualLoss = registerModule("perceptual_loss", new Lpips());
        discriminator = registerModule("discriminator", new NLayerDiscriminator(options.discInChannels(), options.discNdf(),
                options.discNumLayers(), options.useActNorm(), Init.globalRng()));
    }

    /** Also marks LPIPS as loaded when the state dict carried its keys. */
    @Override
    public LoadResult loadStateDict(Map<String, Tensor> state, boolean strict) {
        LoadResult r = super.loadStateDict(state, strict);
        if (r.missingKeys().stream().noneMatch(k -> k.startsWith("perceptual_loss."))) perceptualLoss.markLoaded();
        return r;
    }

    /** taming's adopt_weight: the factor, or 0 before disc_start. */
    public float discFactor(long globalStep) {
        return globalStep < options.discStart() ? 0f : options.discFactor();
    }

    /** The perceptual weight in effect: 0 when LPIPS has no weights (said once). */
    public float effectivePerceptualWeight() {
        if (options.perceptualWeight() <= 0) return 0f;
        if (!perceptualLoss.hasWeights()) {
            if (!warnedNoPerceptual) {
                System.err.println("VQGAN loss: no LPIPS weights loaded (pass the loss.perceptual_loss.* tensors); training with perceptual weight 0");
                warnedNoPerceptual = true;
            }
            return 0f;
        }
        return options.perceptualWeight();
    }

    /**
     * The autoencoder step. lastLayer is decoder.conv_out.weight (for the adaptive weight); when the
     * discriminator is off (disc_factor 0) the adaptive weight is not computed and reported as 0.
     */
    public GeneratorLoss generatorLoss(Tensor codebookLoss, Tensor inputs, Tensor reconstructions, long globalStep, Tensor lastLayer) {
        checkImages("generator loss", inputs, reconstructions);
        Tensor rec = inputs.sub(reconstructions).abs();
        Tensor recL1 = rec.mean();
        float pw = effectivePerceptualWeight();
        Tensor perceptual = null;
        if (pw > 0) {
            perceptual = perceptualLoss.distance(inputs, reconstructions);
            rec = rec.add(perceptual.mul(pw));
        }
        Tensor nll = rec.mean();
        Tensor gLoss = discriminator.forward(reconstructions).mean().neg();
        float factor = discFactor(globalStep);
        float dWeight = factor > 0 ? adaptiveWeight(nll, gLoss, lastLayer) : 0f;
        Tensor loss = nll.add(gLoss.mul(dWeight * factor)).add(codebookLoss.mean().mul(options.codebookWeight()));
        return new GeneratorLoss(loss, nll, recL1, perceptual == null ? null : perceptual.mean(), gLoss, dWeight, factor);
    }

    /** ‖∇nll‖ / (‖∇g‖ + 1e-4) at lastLayer, clamped to [0, 1e4], times disc_weight; 0 outside a graph (as taming in eval). */
    public float adaptiveWeight(Tensor nll, Tensor gLoss, Tensor lastLayer) {
        if (lastLayer == null || !nll.requiresGrad() || !gLoss.requiresGrad() || !lastLayer.requiresGrad()) return 0f;
        Tensor nllGrad = Autograd.grad(List.of(nll), Arrays.asList((Tensor) null), List.of(lastLayer), true, true).getFirst();
        Tensor gGrad = Autograd.grad(List.of(gLoss), Arrays.asList((Tensor) null), List.of(lastLayer), true, true).getFirst();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            double w = nllGrad.norm().item() / (gGrad.norm().item() + 1e-4);
            w = Math.min(Math.max(w, 0.0), 1e4);
            return (float) w * options.discWeight();
        }
    }

    /** The discriminator step; inputs and reconstructions are detached here. */
    public DiscriminatorLoss discriminatorLoss(Tensor inputs, Tensor reconstructions, long globalStep) {
        checkImages("discriminator loss", inputs, reconstructions);
        Tensor real = discriminator.forward(inputs.detach());
        Tensor fake = discriminator.forward(reconstructions.detach());
        Tensor d = options.discLoss() == DiscLoss.HINGE ? hingeDLoss(real, fake) : vanillaDLoss(real, fake);
        return new DiscriminatorLoss(d.mul(discFactor(globalStep)), real.mean().detach(), fake.mean().detach());
    }

    /** ½(mean(relu(1 − D(x))) + mean(relu(1 + D(x̂)))). */
    public static Tensor hingeDLoss(Tensor logitsReal, Tensor logitsFake) {
        Tensor r = logitsReal.neg().add(1f).relu().mean();
        Tensor f = logitsFake.add(1f).relu().mean();
        return r.add(f).mul(0.5f);
    }

    /** ½(mean(softplus(−D(x))) + mean(softplus(D(x̂)))). */
    public static Tensor vanillaDLoss(Tensor logitsReal, Tensor logitsFake) {
        return logitsReal.neg().softplus().mean().add(logitsFake.softplus().mean()).mul(0.5f);
    }

    private static void checkImages(String what, Tensor x, Tensor y) {
        if (!Arrays.equals(x.shape(), y.shape()))
            throw new IllegalArgumentException("VQGAN " + what + ": inputs " + x.shapeString() + " and reconstructions " + y.shapeString() + " differ in shape");
    }

    public Options options() { return options; }
    public Lpips perceptualLoss() { return perceptualLoss; }
    public NLayerDiscriminator discriminator() { return discriminator; }
}
