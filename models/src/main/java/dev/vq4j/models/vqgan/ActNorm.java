package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;

/**
 * Activation normalisation (Kingma and Dhariwal 2018, Glow), as taming's ActNorm: y = scale·(x + loc)
 * per channel; on the first training batch loc = −mean and scale = 1/(std + 1e-6) of that batch
 * (data-dependent init). Parameters loc, scale [1, C, 1, 1]; buffer {@code initialized}.
 */
public class ActNorm extends Module {
    private final Tensor loc, scale, initialized;

    public ActNorm(int channels) {
        loc = registerParameter("loc", Tensor.zeros(1, channels, 1, 1));
        scale = registerParameter("scale", Tensor.ones(1, channels, 1, 1));
        initialized = registerBuffer("initialized", Tensor.ofLongs(new long[] {0}));
    }

    @Override
    public Tensor forward(Tensor x) {
        checkRank(x, 4, "[N, C, H, W]");
        if (isTraining() && initialized.toLongArray()[0] == 0) {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                int[] dims = {0, 2, 3};
                Tensor mean = x.mean(dims, true);
                Tensor std = x.std(dims, 1, true);
                loc.copyFrom(mean.neg());
                scale.copyFrom(std.add(1e-6f).pow(-1f));
                initialized.fillInPlace(1);
            }
        }
        return scale.mul(x.add(loc));
    }
}
