package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Pooling;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.ReLU;
import dev.vq4j.autograd.nn.Sequential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchvision's VGG16 {@code features} (13 3×3 convolutions with ReLU, max-pooling between blocks)
 * cut as LPIPS cuts it into slice1..slice5, each ending at relu1_2, relu2_2, relu3_3, relu4_3,
 * relu5_3. Layers keep their index in {@code features}, so parameters are named
 * {@code slice1.0.weight}, {@code slice2.5.weight}, ..., {@code slice5.28.weight}.
 */
public class Vgg16Features extends Module {
    /** Output channels of the five slices. */
    public static final int[] CHANNELS = {64, 128, 256, 512, 512};
    /** Convolutions per VGG16 block. */
    private static final int[] CONVS = {2, 2, 3, 3, 3};

    private final List<Sequential> slices = new ArrayList<>();

    public Vgg16Features() {
        int index = 0, in = 3;
        for (int s = 0; s < 5; s++) {
            Map<String, Module> layers = new LinkedHashMap<>();
            if (s > 0) layers.put(Integer.toString(index++), new MaxPool2x2());
            for (int c = 0; c < CONVS[s]; c++) {
                layers.put(Integer.toString(index++), new Conv2d(in, CHANNELS[s], 3, 1, 1));
                layers.put(Integer.toString(index++), new ReLU());
                in = CHANNELS[s];
            }
            slices.add(registerModule("slice" + (s + 1), new Sequential(layers)));
        }
    }

    /** The five slice outputs relu1_2 .. relu5_3. */
    public List<Tensor> features(Tensor x) {
        List<Tensor> out = new ArrayList<>(5);
        for (Sequential slice : slices) {
            x = slice.forward(x);
            out.add(x);
        }
        return out;
    }

    /** nn.MaxPool2d(kernel_size=2, stride=2). */
    static final class MaxPool2x2 extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return Pooling.maxPool2d(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, false);
        }

        @Override
        protected String extraRepr() {
            return "kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False";
        }
    }
}
