package dev.vq4j.opencl;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.DType;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import org.junit.jupiter.api.Test;

/**
 * conv2d, its input gradient and its weight gradient (conv.cl) against the reference, on
 * geometries that are not multiples of the 64x64x16 tile: 3x3 s1 p1, 1x1, 4x4 s2 p1, 3x3 s2 on odd
 * sizes, dilation, groups, depthwise, a 1-channel input, asymmetric stride/padding/dilation,
 * strided (transposed) inputs and outputs, long K (split K), and the input
 * gradient of a conv_transpose2d with output_padding. Outputs start NaN-filled, so an element a
 * kernel misses fails. Tolerance 1e-4 per element relative to max(|ref|, 1e-2 max|ref|): the
 * device sums in float, the reference in double.
 */
class OpenClConvTest {
    static final double TOL = 1e-4;
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 31);
    private double worst;

    @Test
    void commonGeometries() {
        all("3x3 s1 p1", 2, 5, 9, 9, 7, 3, 3, Conv2dParams.of(1, 1), false);
        all("1x1", 2, 33, 7, 5, 65, 1, 1, Conv2dParams.of(1, 0), false);
        all("4x4 s2 p1", 2, 6, 10, 10, 9, 4, 4, Conv2dParams.of(2, 1), false);
        all("3x3 s2 odd", 1, 4, 11, 13, 5, 3, 3, Conv2dParams.of(2, 0), false);
        all("3x3 s2 p1 odd", 3, 3, 9, 7, 2, 3, 3, Conv2dParams.of(2, 1), false);
        all("several tiles 3x3", 2, 70, 12, 11, 130, 3, 3, Conv2dParams.of(1, 1), false);
        System.out.println("conv common geometries: worst error " + worst);
    }

    @Test
    void dilationGroupsDepthwise() {
        all("dilation 2", 2, 3, 9, 10, 4, 3, 3, new Conv2dParams(1, 1, 2, 2, 2, 2, 1), false);
        all("groups 2", 2, 6, 8, 7, 8, 3, 3, new Conv2dParams(1, 1, 1, 1, 1, 1, 2), false);
        all("groups 3 s2", 1, 9, 9, 9, 6, 3, 3, new Conv2dParams(2, 2, 1, 1, 1, 1, 3), false);
        all("depthwise", 2, 5, 8, 9, 5, 3, 3, new Conv2dParams(1, 1, 1, 1, 1, 1, 5), false);
        all("depthwise x2", 1, 4, 7, 7, 8, 3, 3, new Conv2dParams(1, 1, 1, 1, 1, 1, 4), false);
        all("1-channel input", 2, 1, 12, 9, 16, 3, 3, Conv2dParams.of(1, 1), false);
        all("asymmetric", 2, 3, 11, 9, 5, 3, 2, new Conv2dParams(2, 1, 0, 1, 1, 2, 1), false);
        all("stride 3 dilation 2", 1, 2, 13, 14, 3, 2, 3, new Conv2dParams(3, 2, 2, 1, 2, 3, 1), false);
        System.out.println("conv dilation/groups/depthwise: worst error " + worst);
    }

    @Test
    void stridedTensors() {
        all("3x3 s1 p1 strided", 2, 5, 9, 8, 7, 3, 3, Conv2dParams.of(1, 1), true);
        all("4x4 s2 p1 groups 2 strided", 2, 4, 10, 9, 6, 4, 4, new Conv2dParams(2, 2, 1, 1, 1, 1, 2), true);
        System.out.println("conv strided tensors: worst error " + worst);
    }

    /**
     * Few output tiles over a long K, so K is split and the partial sums added: the weight gradient
     * of N*Ho*Wo = 4096 (16 splits); forward and input gradient of a deep layer at 4x5 (K = 1152, 4 splits).
     */
    @Test
    void longKSplits() {
        all("long K", 4, 8, 32, 32, 8, 3, 3, Conv2dParams.of(1, 1), false);
        all("long K strided", 2, 3, 40, 33, 5, 3, 3, Conv2dParams.of(1, 1), true);
        all("deep low-res", 1, 128, 4, 5, 96, 3, 3, Conv2dParams.of(1, 1), false);
        all("deep low-res strided groups 2", 2, 128, 5, 3, 66, 3, 3, new Conv2dParams(1, 1, 1, 1, 1, 1, 2), true);
        System.out.println("conv long K: worst error " + worst);
    }

    /** conv_transpose2d's output larger than the output covers: the uncovered rows/columns are 0. */
    @Test
    void inputGradWithOutputPadding() {
        // k3 s2 p0: Ho=4 covers H=9; H=10 leaves row 9 uncovered. Wo=5 covers W=11; W=12 leaves column 11.
        inputGrad("output_padding 1", 2, 3, 10, 12, 4, 4, 5, 3, 3, Conv2dParams.of(2, 0), false);
        // k1 s3: only every third row/column is reached.
        inputGrad("k1 s3 output_padding 2", 1, 4, 9, 8, 3, 3, 3, 1, 1, Conv2dParams.of(3, 0), true);
        inputGrad("4x4 s2 p1 output_padding 1 groups 2", 2, 4, 11, 9, 6, 5, 4, 4, 4, new Conv2dParams(2, 2, 1, 1, 1, 1, 2), false);
        System.out.println("conv output padding: worst error " + worst);
    }

    /** Forward, input gradient and weight gradient of one geometry; strided: x, w, gradOut and the outputs are transposed views. */
    private void all(String what, int n, int cin, int h, int w, int o, int kh, int kw, Conv2dParams p, boolean strided) {
        int cg = cin / p.groups(), ho = p.outH(h, kh), wo = p.outW(w, kw);
        View[] x = input(strided, n, cin, h, w), wt = input(strided, o, cg, kh, kw), gy = input(strided, n, o, ho, wo);

        View[] y = output(strided, n, o, ho, wo);
        c.ref.conv2d(x[0], wt[0], y[0], p);
        c.dev.conv2d(x[1], wt[1], y[1], p);
        note(DeviceCheck.assertClose("conv2d " + what, y, TOL));

        View[] gx = output(strided, n, cin, h, w);
        c.ref.conv2dInputGrad(gy[0], wt[0], gx[0], p);
        c.dev.conv2dInputGrad(gy[1], wt[1], gx[1], p);
        note(DeviceCheck.assertClose("conv2dInputGrad " + what, gx, TOL));

        View[] gw = output(strided, o, cg, kh, kw);
        c.ref.conv2dWeightGrad(x[0], gy[0], gw[0], p);
        c.dev.conv2dWeightGrad(x[1], gy[1], gw[1], p);
        note(DeviceCheck.assertClose("conv2dWeightGrad " + what, gw, TOL));
    }

    private void inputGrad(String what, int n, int cin, int h, int w, int o, int ho, int wo, int kh, int kw, Conv2dParams p, boolean strided) {
        View[] gy = input(strided, n, o, ho, wo), wt = input(strided, o, cin / p.groups(), kh, kw), gx = output(strided, n, cin, h, w);
        c.ref.conv2dInputGrad(gy[0], wt[0], gx[0], p);
        c.dev.conv2dInputGrad(gy[1], wt[1], gx[1], p);
        note(DeviceCheck.assertClose("conv2dInputGrad " + what, gx, TOL));
    }

    /** Random [a,b,h,w]; strided: stored as [a,h,w,b] (channels last) and read through a permuted view. */
    private View[] input(boolean strided, int a, int b, int h, int w) {
        if (!strided) return c.randn(a, b, h, w);
        return DeviceCheck.transpose(DeviceCheck.transpose(c.randn(a, h, w, b), 1, 3), 2, 3);
    }

    /** A NaN-filled output; strided: its last two dims transposed in memory. */
    private View[] output(boolean strided, int a, int b, int h, int w) {
        return strided ? DeviceCheck.transpose(c.output(DType.FLOAT32, a, b, w, h), 2, 3) : c.output(DType.FLOAT32, a, b, h, w);
    }

    private void note(double err) {
        worst = Math.max(worst, err);
    }
}
