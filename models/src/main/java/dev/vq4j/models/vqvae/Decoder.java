package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.ConvTranspose2d;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.ModuleList;

/**
 * The encoder's mirror: quantised latents [N, D, h, w] -> images [N, C, h·f, w·f]: a 3×3 conv from D
 * to hidden channels, the residual stack, then log2(f) transposed 4×4 convs (stride 2, padding 1;
 * hidden/2 channels with ReLU between, the last to the image channels, no activation).
 */
public final class Decoder extends Module {
    private final Conv2d fromCode;
    private final ResidualStack residual;
    private final ModuleList up;

    public Decoder(VqVaeConfig c) {
        int n = c.stridedLayers(), hidden = c.hiddenChannels();
        fromCode = registerModule("from_code", new Conv2d(c.codeDim(), hidden, 3, 1, 1));
        residual = registerModule("residual", new ResidualStack(hidden, c.residualChannels(), c.residualLayers()));
        up = registerModule("up", new ModuleList());
        int in = hidden;
        for (int i = 0; i < n; i++) {
            int out = i == n - 1 ? c.imageChannels() : hidden / 2;
            up.add(new ConvTranspose2d(in, out, 4, 2, 1));
            in = out;
        }
    }

    @Override
    public Tensor forward(Tensor z) {
        Tensor x = residual.forward(fromCode.forward(z));
        for (int i = 0; i < up.size(); i++) {
            x = up.get(i).forward(x);
            if (i < up.size() - 1) x = x.relu();
        }
        return x;
    }
}
