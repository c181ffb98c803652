package dev.vq4j.autograd;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.DType;
import dev.vq4j.core.Shapes;

/**
 * 2-D convolution and transposed convolution (NCHW input, OIHW weight), as
 * torch.nn.functional.conv2d / conv_transpose2d, with stride, padding, dilation and groups.
 *
 * <p>Both are built from three differentiable primitives over the backend's conv kernels, each of
 * which is the others' adjoint (so gradients of gradients work):
 * <pre>
 *   forward(x, w)       = conv2d kernel                  d/dx: inputGrad(g, w)   d/dw: weightGrad(x, g)
 *   inputGrad(gy, w)    = conv2dInputGrad kernel         d/dgy: forward(g, w)    d/dw: weightGrad(g, gy)
 *   weightGrad(x, gy)   = conv2dWeightGrad kernel        d/dx: inputGrad(gy, g)  d/dgy: forward(x, g)
 * </pre>
 * conv_transpose2d is {@code inputGrad} with the weight [Cin, Cout/g, kh, kw] read as a conv weight
 * [O=Cin, Cg=Cout/g, kh, kw]. Bias is added by broadcasting, so its gradient is the sum over N, H, W.
 */
public final class Convolution {
    private Convolution() {}

    /**
     * x [N, C, H, W] (or unbatched [C, H, W]), w [O, C/groups, kh, kw], bias [O] or null ->
     * [N, O, Ho, Wo] with {@code Ho = (H + 2*pad - dilation*(kh-1) - 1) / stride + 1}.
     * stride, padding, dilation are {h, w} pairs (a single value applies to both).
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        String op = "conv2d";
        int[] s = pair(op, "stride", stride, 1), pad = pair(op, "padding", padding, 0), d = pair(op, "dilation", dilation, 1);
        checkRanks(op, x, w, groups);
        checkDevices(op, x, w, bias);
        int c = x.size(-3), h = x.size(-2), wd = x.size(-1);
        int o = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3);
        if (o % groups != 0)
            throw new IllegalArgumentException(op + ": weight " + w.shapeString() + " has " + o + " output channels, not divisible by groups=" + groups);
        if (c % groups != 0)
            throw new IllegalArgumentException(op + ": input " + x.shapeString() + " has " + c + " channels, not divisible by groups=" + groups);
        if (c != cg * groups)
            throw new IllegalArgumentException(op + ": input " + x.shapeString() + " has " + c + " channels, weight " + w.shapeString()
                    + " expects " + cg * groups + (groups > 1 ? " (" + cg + " per group x " + groups + " groups)" : ""));
        int padH = h + 2 * pad[0], padW = wd + 2 * pad[1], effH = d[0] * (kh - 1) + 1, effW = d[1] * (kw - 1) + 1;
        if (padH < effH || padW < effW)
            throw new IllegalArgumentException(op + ": calculated padded input size per channel (" + padH + " x " + padW
                    + ") is smaller than the dilated kernel size (" + effH + " x " + effW + "); input " + x.shapeString()
                    + ", weight " + w.shapeString());
        checkBias(op, bias, o, w);

        Conv2dParams p = new Conv2dParams(s[0], s[1], pad[0], pad[1], d[0], d[1], groups);
        boolean unbatched = x.dim() == 3;
        Tensor x4 = unbatched ? x.unsqueeze(0) : x;
        Tensor out = forward(floats(op, x4), floats(op, w), p, p.outH(h, kh), p.outW(wd, kw));
        out = addBias(out, bias);
        return unbatched ? out.squeeze(0) : out;
    }

    /** Square stride and padding, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return conv2d(x, w, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }

    /**
     * x [N, C, H, W] (or unbatched [C, H, W]), w [C, O/groups, kh, kw] (PyTorch's transposed layout),
     * bias [O] or null -> [N, O, (H-1)*s - 2p + d*(kh-1) + outputPadding + 1, ...].
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
                                         int groups, int[] dilation) {
        String op = "conv_transpose2d";
        int[] s = pair(op, "stride", stride, 1), pad = pair(op, "padding", padding, 0), d = pair(op, "dilation", dilation, 1);
        int[] op2 = pair(op, "output_padding", outputPadding, 0);
        checkRanks(op, x, w, groups);
        checkDevices(op, x, w, bias);
        int c = x.size(-3), h = x.size(-2), wd = x.size(-1);
        int cin = w.size(0), og = w.size(1), kh = w.size(2), kw = w.size(3), o = og * groups;
        if (cin % groups != 0)
            throw new IllegalArgumentException(op + ": weight " + w.shapeString() + " has " + cin + " input channels, not divisible by groups=" + groups);
        if (c != cin)
            throw new IllegalArgumentException(op + ": input " + x.shapeString() + " has " + c + " channels, weight " + w.shapeString() + " expects " + cin);
        for (int k = 0; k < 2; k++)
            if (op2[k] >= s[k] && op2[k] >= d[k])
                throw new IllegalArgumentException(op + ": output padding (" + op2[0] + ", " + op2[1] + ") must be smaller than either stride ("
                        + s[0] + ", " + s[1] + ") or dilation (" + d[0] + ", " + d[1] + ")");
        int outH = (h - 1) * s[0] - 2 * pad[0] + d[0] * (kh - 1) + op2[0] + 1;
        int outW = (wd - 1) * s[1] - 2 * pad[1] + d[1] * (kw - 1) + op2[1] + 1;
        if (outH < 1 || outW < 1)
            throw new IllegalArgumentException(op + ": output size (" + outH + " x " + outW + ") is too small; input " + x.shapeString()
                    + ", weight " + w.shapeString() + ", stride (" + s[0] + ", " + s[1] + "), padding (" + pad[0] + ", " + pad[1] + ")");
        checkBias(op, bias, o, w);

        Conv2dParams p = new Conv2dParams(s[0], s[1], pad[0], pad[1], d[0], d[1], groups);
        boolean unbatched = x.dim() == 3;
        Tensor x4 = unbatched ? x.unsqueeze(0) : x;
        Tensor out = inputGrad(floats(op, x4), floats(op, w), p, outH, outW);
        out = addBias(out, bias);
        return unbatched ? out.squeeze(0) : out;
    }

    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int padding) {
        return convTranspose2d(x, w, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {0, 0}, 1, new int[] {1, 1});
    }

    // ---- the three differentiable primitives (shapes already checked) ------------------------------

    /** x [N, C, H, W], w [O, C/g, kh, kw] -> [N, O, outH, outW]. */
    static Tensor forward(Tensor x, Tensor w, Conv2dParams p, int outH, int outW) {
        Tensor out = Tensor.emptyLike(x, DType.FLOAT32, x.size(0), w.size(0), outH, outW);
        x.backend().conv2d(x.kernelView(), w.kernelView(), out.kernelView(), p);
        int h = x.size(2), wd = x.size(3), kh = w.size(2), kw = w.size(3);
        return Autograd.record("conv2d", out, new Tensor[] {x, w}, g -> new Tensor[] {
                x.requiresGrad() ? inputGrad(g, w, p, h, wd) : null,
                w.requiresGrad() ? weightGrad(x, g, p, kh, kw) : null});
    }

    /** gy [N, O, Ho, Wo], w [O, C/g, kh, kw] -> [N, C, inH, inW]: the adjoint of {@link #forward} in x. */
    static Tensor inputGrad(Tensor gy, Tensor w, Conv2dParams p, int inH, int inW) {
        Tensor out = Tensor.emptyLike(gy, DType.FLOAT32, gy.size(0), w.size(1) * p.groups(), inH, inW);
        gy.backend().conv2dInputGrad(gy.kernelView(), w.kernelView(), out.kernelView(), p);
        int ho = gy.size(2), wo = gy.size(3), kh = w.size(2), kw = w.size(3);
        return Autograd.record("conv_transpose2d", out, new Tensor[] {gy, w}, g -> new Tensor[] {
                gy.requiresGrad() ? forward(g, w, p, ho, wo) : null,
                w.requiresGrad() ? weightGrad(g, gy, p, kh, kw) : null});
    }

    /** x [N, C, H, W], gy [N, O, Ho, Wo] -> [O, C/g, kh, kw]: the adjoint of {@link #forward} in w. */
    static Tensor weightGrad(Tensor x, Tensor gy, Conv2dParams p, int kh, int kw) {
        Tensor out = Tensor.emptyLike(x, DType.FLOAT32, gy.size(1), x.size(1) / p.groups(), kh, kw);
        x.backend().conv2dWeightGrad(x.kernelView(), gy.kernelView(), out.kernelView(), p);
        int h = x.size(2), wd = x.size(3), ho = gy.size(2), wo = gy.size(3);
        return Autograd.record("conv2d_weight", out, new Tensor[] {x, gy}, g -> new Tensor[] {
                x.requiresGrad() ? inputGrad(gy, g, p, h, wd) : null,
                gy.requiresGrad() ? forward(x, g, p, ho, wo) : null});
    }

    // ---- checks ----------------------------------------------------------------------------------

    /** A {h, w} pair from one or two values, each at least {@code min}. */
    private static int[] pair(String op, String what, int[] v, int min) {
        if (v == null || v.length < 1 || v.length > 2)
            throw new IllegalArgumentException(op + ": " + what + " must have 1 or 2 values, got "
                    + (v == null ? "null" : java.util.Arrays.toString(v)));
        int[] r = v.length == 1 ? new int[] {v[0], v[0]} : v.clone();
        if (r[0] < min || r[1] < min)
            throw new IllegalArgumentException(op + ": " + what + " must be >= " + min + ", got " + java.util.Arrays.toString(v));
        return r;
    }

    private static void checkRanks(String op, Tensor x, Tensor w, int groups) {
        if (x.dim() != 3 && x.dim() != 4)
            throw new IllegalArgumentException(op + ": expected 3-D (unbatched) or 4-D (batched) input, but got input of shape " + x.shapeString());
        if (w.dim() != 4)
            throw new IllegalArgumentException(op + ": weight must be 4-D "
                    + (op.equals("conv2d") ? "[out_channels, in_channels/groups, kH, kW]" : "[in_channels, out_channels/groups, kH, kW]")
                    + ", got " + w.shapeString());
        if (groups < 1) throw new IllegalArgumentException(op + ": groups must be >= 1, got " + groups);
        if (Shapes.numel(w.shape()) == 0)
            throw new IllegalArgumentException(op + ": weight " + w.shapeString() + " is empty");
    }

    private static void checkDevices(String op, Tensor x, Tensor w, Tensor bias) {
        Tensor.checkSameDevice(op, x, w);
        if (bias != null) Tensor.checkSameDevice(op, x, bias);
    }

    private static void checkBias(String op, Tensor bias, int outChannels, Tensor w) {
        if (bias != null && (bias.dim() != 1 || bias.size(0) != outChannels))
            throw new IllegalArgumentException(op + ": bias " + bias.shapeString() + " should be 1-D with " + outChannels
                    + " elements to match weight " + w.shapeString());
    }

    private static Tensor floats(String op, Tensor t) {
        return Elementwise.floatOperand(op, t);
    }

    private static Tensor addBias(Tensor out, Tensor bias) {
        return bias == null ? out : Elementwise.add(out, bias.reshape(1, bias.size(0), 1, 1));
    }
}
