package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.BatchNorm2d;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.LeakyReLU;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.Sequential;
import dev.vq4j.core.Rng;

/**
 * The PatchGAN discriminator of pix2pix (Isola et al. 2017) as taming's NLayerDiscriminator:
 * 4×4 convolutions, stride 2 for the first n_layers, then two stride-1 ones, channels ndf·min(2^i, 8),
 * norm + LeakyReLU(0.2) between (no norm after the first), one logit per patch. Normalisation is
 * BatchNorm2d (convolutions before it without bias) or ActNorm (with bias). Weights as taming's
 * weights_init: conv weights N(0, 0.02); norm weights N(1, 0.02), biases 0.
 * Parameters: {@code main.<index>.*}.
 */
public class NLayerDiscriminator extends Module {
    private final Sequential main;

    public NLayerDiscriminator() {
        this(3, 64, 3, false, Init.globalRng());
    }

    public NLayerDiscriminator(int inputChannels, int ndf, int nLayers, boolean useActNorm, Rng rng) {
        if (nLayers < 1) throw new IllegalArgumentException("NLayerDiscriminator: n_layers must be ≥ 1, got " + nLayers);
        boolean convBias = useActNorm; // a conv followed by BatchNorm needs no bias
        main = new Sequential();
        main.add(conv(inputChannels, ndf, 2, true, rng)).add(new LeakyReLU(0.2f));
        int mult = 1;
        for (int n = 1; n <= nLayers; n++) {
            int prev = mult;
            mult = Math.min(1 << n, 8);
            int stride = n < nLayers ? 2 : 1;
            main.add(conv(ndf * prev, ndf * mult, stride, convBias, rng)).add(norm(ndf * mult, useActNorm, rng)).add(new LeakyReLU(0.2f));
        }
        main.add(conv(ndf * mult, 1, 1, true, rng));
        registerModule("main", main);
    }

    private static Conv2d conv(int in, int out, int stride, boolean bias, Rng rng) {
        Conv2d c = new Conv2d(in, out, new int[] {4, 4}, new int[] {stride, stride}, new int[] {1, 1}, new int[] {1, 1}, 1, bias, rng);
        Init.normal(c.weight(), 0, 0.02, rng);
        return c;
    }

    private static Module norm(int channels, boolean actNorm, Rng rng) {
        if (actNorm) return new ActNorm(channels);
        BatchNorm2d bn = new BatchNorm2d(channels);
        Init.normal(bn.weight(), 1, 0.02, rng);
        Init.zeros(bn.bias());
        return bn;
    }

    /** Patch logits [N, 1, h, w]. */
    @Override
    public Tensor forward(Tensor x) {
        checkRank(x, 4, "[N, C, H, W]");
        return main.forward(x);
    }
}
