package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Elementwise;
import dev.vq4j.autograd.Tensor;

/** x·sigmoid(x) (Swish), as torch.nn.SiLU. */
public class SiLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Elementwise.silu(x);
    }
}
