package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Resampling;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.UpsampleMode;

/** taming's Upsample with conv: nearest-neighbour ×2, then a 3×3 convolution. Parameter: conv. */
public class Upsample extends Module {
    private final Conv2d conv;

    public Upsample(int channels) {
        conv = registerModule("conv", Blocks.conv3x3(channels, channels));
    }

    @Override
    public Tensor forward(Tensor x) {
        return conv.forward(Resampling.upsample(x, 2, UpsampleMode.NEAREST, false));
    }
}
