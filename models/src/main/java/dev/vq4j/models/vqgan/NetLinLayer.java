package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Dropout;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.Sequential;

/** LPIPS's learned per-channel weighting: {@code model} = Sequential(Dropout(0.5), Conv2d(C, 1, 1, bias=False)). */
public class NetLinLayer extends Module {
    private final Sequential model;

    public NetLinLayer(int channels) {
        model = registerModule("model", new Sequential(new Dropout(0.5f),
                new Conv2d(channels, 1, new int[] {1, 1}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, false, Init.globalRng())));
    }

    @Override
    public Tensor forward(Tensor x) {
        return model.forward(x);
    }
}
