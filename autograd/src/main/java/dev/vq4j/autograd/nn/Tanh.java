package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Elementwise;
import dev.vq4j.autograd.Tensor;

/** tanh(x), as torch.nn.Tanh. */
public class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Elementwise.tanh(x);
    }
}
