package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Convolution;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

/**
 * Transposed 2-D convolution, as torch.nn.ConvTranspose2d: weight [in, out/groups, kh, kw] (PyTorch's
 * layout), bias [out]. Default initialisation as PyTorch, whose fan_in is computed from that
 * layout: size(1)·kh·kw = out/groups·kh·kw.
 */
public class ConvTranspose2d extends Module {
    private final int inChannels, outChannels, groups;
    private final int[] kernelSize, stride, padding, outputPadding, dilation;
    private final Tensor weight, bias;

    /** Square kernel, stride and padding; no output padding, one group, no dilation, with bias. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(inChannels, outChannels, Conv2d.pair(kernelSize), Conv2d.pair(stride), Conv2d.pair(padding), Conv2d.pair(0), 1, true,
                Conv2d.pair(1), Init.globalRng());
    }

    /** Every option, in PyTorch's argument order; sizes are {h, w} pairs. */
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] outputPadding,
                           int groups, boolean bias, int[] dilation, Rng rng) {
        ConvChecks.channels("ConvTranspose2d", inChannels, outChannels, groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        this.kernelSize = ConvChecks.pair("ConvTranspose2d", "kernel_size", kernelSize, 1);
        this.stride = ConvChecks.pair("ConvTranspose2d", "stride", stride, 1);
        this.padding = ConvChecks.pair("ConvTranspose2d", "padding", padding, 0);
        this.outputPadding = ConvChecks.pair("ConvTranspose2d", "output_padding", outputPadding, 0);
        this.dilation = ConvChecks.pair("ConvTranspose2d", "dilation", dilation, 1);
        for (int i = 0; i < 2; i++)
            if (this.outputPadding[i] >= this.stride[i] && this.outputPadding[i] >= this.dilation[i])
                throw new IllegalArgumentException("ConvTranspose2d: output_padding " + Repr.tuple(this.outputPadding)
                        + " must be smaller than either stride " + Repr.tuple(this.stride) + " or dilation " + Repr.tuple(this.dilation));
        this.weight = registerParameter("weight", Tensor.zeros(inChannels, outChannels / groups, this.kernelSize[0], this.kernelSize[1]));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
        Init.defaultLinearOrConv(weight, this.bias, rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolution.convTranspose2d(x, weight, bias, stride, padding, outputPadding, groups, dilation);
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
    public int[] outputPadding() { return outputPadding.clone(); }
    public int[] dilation() { return dilation.clone(); }

    @Override
    protected String extraRepr() {
        return ConvChecks.repr(inChannels, outChannels, kernelSize, stride, padding, dilation, outputPadding, groups, bias != null);
    }
}
