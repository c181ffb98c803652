package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Convolution;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

/**
 * 2-D convolution over [N, C, H, W], as torch.nn.Conv2d (zero padding): weight
 * [out, in/groups, kh, kw], bias [out]; PyTorch's default initialisation.
 */
public class Conv2d extends Module {
    private final int inChannels, outChannels, groups;
    private final int[] kernelSize, stride, padding, dilation;
    private final Tensor weight, bias;

    /** Square kernel, stride 1, no padding. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, 1, 0);
    }

    /** Square kernel, stride and padding; no dilation, one group, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, pair(kernelSize), pair(stride), pair(padding), pair(1), 1, true, Init.globalRng());
    }

    /** Every option: kernelSize, stride, padding, dilation are {h, w} pairs. */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                  int groups, boolean bias, Rng rng) {
        ConvChecks.channels("Conv2d", inChannels, outChannels, groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernelSize = ConvChecks.pair("Conv2d", "kernel_size", kernelSize, 1);
        this.stride = ConvChecks.pair("Conv2d", "stride", stride, 1);
        this.padding = ConvChecks.pair("Conv2d", "padding", padding, 0);
        this.dilation = ConvChecks.pair("Conv2d", "dilation", dilation, 1);
        this.weight = registerParameter("weight", Tensor.zeros(outChannels, inChannels / groups, this.kernelSize[0], this.kernelSize[1]));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
        Init.defaultLinearOrConv(weight, this.bias, rng);
    }

    static int[] pair(int v) {
        return new int[] {v, v};
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    public Tensor weight() { return weight; }
    /** The bias, or null when built without one. */
    public Tensor bias() { return bias; }
    public int inChannels() { return inChannels; }
    public int outChannels() { return outChannels; }
    public int groups() { return groups; }
    public int[] kernelSize() { return kernelSize.clone(); }
    public int[] stride() { return stride.clone(); }
    public int[] padding() { return padding.clone(); }
    public int[] dilation() { return dilation.clone(); }

    @Override
    protected String extraRepr() {
        return ConvChecks.repr(inChannels, outChannels, kernelSize, stride, padding, dilation, null, groups, bias != null);
    }
}
