package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.ModuleList;

/**
 * van den Oord et al. 2017's residual stack: each block adds 1×1conv(ReLU(3×3conv(ReLU(x)))) to x,
 * and a final ReLU follows the last block. Keys: {@code layers.<i>.conv3.*}, {@code layers.<i>.conv1.*}.
 */
public final class ResidualStack extends Module {
    private final ModuleList layers;

    public ResidualStack(int channels, int residualChannels, int count) {
        layers = registerModule("layers", new ModuleList());
        for (int i = 0; i < count; i++) layers.add(new Block(channels, residualChannels));
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module block : layers) x = block.forward(x);
        return x.relu();
    }

    /** x + conv1(relu(conv3(relu(x)))). */
    static final class Block extends Module {
        private final Conv2d conv3, conv1;

        Block(int channels, int residualChannels) {
            conv3 = registerModule("conv3", new Conv2d(channels, residualChannels, 3, 1, 1));
            conv1 = registerModule("conv1", new Conv2d(residualChannels, channels, 1, 1, 0));
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.add(conv1.forward(conv3.forward(x.relu()).relu()));
        }
    }
}
