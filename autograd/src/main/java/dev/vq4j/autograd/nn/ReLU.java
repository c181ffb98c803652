package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Elementwise;
import dev.vq4j.autograd.Tensor;

/** max(x, 0), as torch.nn.ReLU. */
public class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Elementwise.relu(x);
    }
}
