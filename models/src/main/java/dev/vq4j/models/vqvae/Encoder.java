package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.ModuleList;

/**
 * images [N, C, H, W] -> latents [N, D, H/f, W/f]: log2(f) strided 4×4 convs (stride 2, padding 1,
 * ReLU after each; hidden/2 channels except the last, which has hidden), a 3×3 conv, the residual
 * stack, and a 1×1 conv to the code dimension D (van den Oord et al. 2017, as in Sonnet's example).
 */
public final class Encoder extends Module {
    private final ModuleList down;
    private final Conv2d conv;
    private final ResidualStack residual;
    private final Conv2d toCode;

    public Encoder(VqVaeConfig c) {
        int n = c.stridedLayers(), hidden = c.hiddenChannels();
        down = registerModule("down", new ModuleList());
        int in = c.imageChannels();
        for (int i = 0; i < n; i++) {
            int out = i == n - 1 ? hidden : hidden / 2;
            down.add(new Conv2d(in, out, 4, 2, 1));
            in = out;
        }
        conv = registerModule("conv", new Conv2d(hidden, hidden, 3, 1, 1));
        residual = registerModule("residual", new ResidualStack(hidden, c.residualChannels(), c.residualLayers()));
        toCode = registerModule("to_code", new Conv2d(hidden, c.codeDim(), 1, 1, 0));
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module d : down) x = d.forward(x).relu();
        return toCode.forward(residual.forward(conv.forward(x)));
    }
}
