package dev.vq4j.models.toy;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.GroupNorm;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.SiLU;
import dev.vq4j.autograd.nn.Sequential;

/**
 * A small classifier for {@link ShapeImages}: two strided 3×3 convolutions with group norm and
 * SiLU, global average pooling, and a linear head. It exercises conv, norm, activation, reduction,
 * matmul and cross-entropy forward and backward: the engine's smoke test and the first demo.
 */
public final class TinyConvNet extends Module {
    private final Sequential features;
    private final Linear head;

    public TinyConvNet(int channels, int classes) {
        features = registerModule("features", new Sequential(
                new Conv2d(1, channels, 3, 2, 1), new GroupNorm(4, channels), new SiLU(),
                new Conv2d(channels, 2 * channels, 3, 2, 1), new GroupNorm(4, 2 * channels), new SiLU(),
                new Conv2d(2 * channels, 2 * channels, 3, 1, 1), new SiLU()));
        head = registerModule("head", new Linear(2 * channels, classes));
    }

    /** images [N, 1, H, W] -> logits [N, classes]. */
    @Override
    public Tensor forward(Tensor images) {
        Tensor f = features.forward(images);         // [N, 2C, H/4, W/4]
        return head.forward(f.mean(new int[] {2, 3}, false));
    }
}
