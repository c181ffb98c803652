package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;

import java.util.List;
import java.util.Map;

/**
 * The LPIPS perceptual distance (Zhang et al. 2018) with VGG16 features, as taming's lpips.py:
 * d(x, y) = Σ_l mean_hw( lin_l( (n(φ_l(s(x))) − n(φ_l(s(y))))² ) ), with s the {@link ScalingLayer},
 * φ_l the five VGG slices, n the channel-wise unit normalisation x / (‖x‖₂ + 1e-10) and lin_l a
 * non-negative 1×1 channel weighting. Returns [N, 1, 1, 1]. Parameters are frozen (no gradients)
 * and named as taming's {@code loss.perceptual_loss.*} without the prefix: {@code scaling_layer.shift},
 * {@code net.slice1.0.weight}, {@code lin0.model.1.weight}. Always in eval mode.
 *
 * <p>There is no download: weights come from a state dict ({@link #loadWeights}); until then
 * {@link #hasWeights()} is false and the VGG is randomly initialised.
 */
public class Lpips extends Module {
    private final ScalingLayer scalingLayer;
    private final Vgg16Features net;
    private final NetLinLayer[] lins = new NetLinLayer[5];
    private boolean hasWeights;

    public Lpips() {
        scalingLayer = registerModule("scaling_layer", new ScalingLayer());
        net = registerModule("net", new Vgg16Features());
        for (int i = 0; i < 5; i++) lins[i] = registerModule("lin" + i, new NetLinLayer(Vgg16Features.CHANNELS[i]));
        for (Tensor p : parameters()) p.requiresGrad(false);
        eval();
    }

    /** Stays in eval mode (dropout off), as taming's LPIPS().eval(). */
    @Override
    public Module train(boolean mode) {
        return super.train(false);
    }

    /**
     * Loads the LPIPS tensors from a state dict: keys as this module's, or prefixed as in a taming
     * checkpoint ({@code loss.perceptual_loss.}) or in LPIPS's own file; other keys are ignored.
     * Every LPIPS key must be present.
     */
    public void loadWeights(Map<String, Tensor> state) {
        Map<String, Tensor> own = new java.util.LinkedHashMap<>();
        for (String prefix : List.of("", "loss.perceptual_loss.", "perceptual_loss.")) {
            own.clear();
            for (String k : stateDict().keySet()) if (state.containsKey(prefix + k)) own.put(k, state.get(prefix + k));
            if (own.size() == stateDict().size()) break;
        }
        // the scaling constants are fixed; files without them (LPIPS's vgg.pth has only lin*) still load
        for (String k : List.of("scaling_layer.shift", "scaling_layer.scale")) own.putIfAbsent(k, stateDict().get(k));
        loadStateDict(own, true);
        hasWeights = true;
    }

    /** Marks weights loaded by other means (e.g. a parent's loadStateDict). */
    void markLoaded() {
        setLoaded(true);
    }

    void setLoaded(boolean loaded) {
        hasWeights = loaded;
    }

    public boolean hasWeights() {
        return hasWeights;
    }

    /** Perceptual distance per sample, [N, 1, 1, 1]; both inputs [N, 3, H, W] in [-1, 1], H and W ≥ 16. */
    public Tensor distance(Tensor x, Tensor y) {
        if (x.dim() != 4 || !java.util.Arrays.equals(x.shape(), y.shape()) || x.size(1) != 3)
            throw new IllegalArgumentException("LPIPS: expected two images [N, 3, H, W] of the same shape, got " + x.shapeString() + " and " + y.shapeString());
        List<Tensor> fx = net.features(scalingLayer.forward(x)), fy = net.features(scalingLayer.forward(y));
        Tensor total = null;
        for (int l = 0; l < 5; l++) {
            Tensor diff = unitNormalize(fx.get(l)).sub(unitNormalize(fy.get(l))).square();
            Tensor term = lins[l].forward(diff).mean(new int[] {2, 3}, true);
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    /** x / (sqrt(Σ_c x²) + 1e-10) per position. */
    static Tensor unitNormalize(Tensor x) {
        Tensor norm = x.square().sum(1, true).sqrt();
        return x.div(norm.add(1e-10f));
    }
}
