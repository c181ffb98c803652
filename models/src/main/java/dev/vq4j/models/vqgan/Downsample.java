package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Resampling;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.PadMode;

/** taming's Downsample with conv: zero pad right and bottom by one, then a 3×3 stride-2 convolution. Parameter: conv. */
public class Downsample extends Module {
    private final Conv2d conv;

    public Downsample(int channels) {
        conv = registerModule("conv", new Conv2d(channels, channels, 3, 2, 0));
    }

    @Override
    public Tensor forward(Tensor x) {
        return conv.forward(Resampling.pad(x, new int[] {0, 1, 0, 1}, PadMode.CONSTANT, 0f));
    }
}
