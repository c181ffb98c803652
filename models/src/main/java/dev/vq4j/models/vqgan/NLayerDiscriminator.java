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

    /**
     * Whether an image side of {@code size} pixels survives the convolutions of an n-layer discriminator:
     * 4×4 kernels with padding 1 (strides 2, …, 2, 1, 1; n + 2 convolutions), each needing an input of
     * at least 2 pixels (padded to 4). Returns the side of the logit map, or 0 when it does not survive.
     */
    public static int outputSide(int size, int nLayers) {
        int s = size;
        for (int i = 0; i < nLayers + 2; i++) {
            if (s < 2) return 0;
            int stride = i < nLayers ? 2 : 1;
            s = (s + 2 - 4) / stride + 1;
        }
        return Math.max(0, s);
    }

    /** Refuses images the discriminator would shrink to nothing, saying which layer count or size would work. */
    public static void checkImageSize(int height, int width, int nLayers) {
        int side = Math.min(height, width);
        if (outputSide(side, nLayers) > 0) return;
        int minSize = side;
        while (outputSide(minSize, nLayers) == 0) minSize++;
        int layers = nLayers;
        while (layers > 1 && outputSide(side, layers) == 0) layers--;
        throw new IllegalArgumentException("VQGAN: the discriminator's " + nLayers + " layers need images of at least " + minSize + "x" + minSize
                + " pixels (each stride-2 4x4 convolution halves the side, the last two take 1 pixel each); these are " + height + "x" + width
                + (outputSide(side, layers) > 0 ? ": use --disc-layers " + layers + " or fewer, or a larger --image-size" : ": use a larger --image-size"));
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
