package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;

/**
 * LPIPS's input scaling: images in [-1, 1] → (x − shift) / scale, the constants that map them to
 * the ImageNet statistics VGG was trained on. Buffers (persistent, as in taming): shift, scale [1, 3, 1, 1].
 */
public class ScalingLayer extends Module {
    private final Tensor shift, scale;

    public ScalingLayer() {
        shift = registerBuffer("shift", Tensor.of(new float[] {-.030f, -.088f, -.188f}, 1, 3, 1, 1));
        scale = registerBuffer("scale", Tensor.of(new float[] {.458f, .448f, .450f}, 1, 3, 1, 1));
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.sub(shift).div(scale);
    }
}
