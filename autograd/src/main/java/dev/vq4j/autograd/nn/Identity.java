package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Tensor;

/** Returns its input, as torch.nn.Identity (a placeholder, e.g. for an optional shortcut). */
public class Identity extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x;
    }
}
