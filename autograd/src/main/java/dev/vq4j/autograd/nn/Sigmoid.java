package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Elementwise;
import dev.vq4j.autograd.Tensor;

/** 1/(1 + exp(-x)), as torch.nn.Sigmoid. */
public class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Elementwise.sigmoid(x);
    }
}
