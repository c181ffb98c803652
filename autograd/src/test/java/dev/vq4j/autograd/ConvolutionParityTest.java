package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Device;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static dev.vq4j.autograd.oracle.Input.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * conv2d and conv_transpose2d against PyTorch, forward and every gradient (input, weight, bias), at
 * the 1e-4 tolerance of reductions: strides, padding, dilation, groups, odd and rectangular sizes,
 * non-contiguous inputs, unbatched input; plus finite differences and the error messages.
 */
class ConvolutionParityTest extends TorchParityTest {
    private OpCheck op(String name) {
        return torch.check(name).tol(OpCheck.REDUCTION);
    }

    private static int[] p(int h, int w) {
        return new int[] {h, w};
    }

    // ---- conv2d ----------------------------------------------------------------------------------

    @Test
    void conv3x3Stride1Pad1Bias() {
        op("conv2d.3x3.s1p1.bias").python("F.conv2d(x0, x1, x2, stride=1, padding=1)")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], 1, 1))
                .inputs(randn(3, 5, 8, 8), randn(6, 5, 3, 3), randn(6)).run();
    }

    @Test
    void conv1x1() {
        op("conv2d.1x1").python("F.conv2d(x0, x1, None)")
                .java(x -> Convolution.conv2d(x[0], x[1], null, 1, 0))
                .inputs(randn(3, 7, 5, 6), randn(4, 7, 1, 1)).run();
    }

    @Test
    void conv4x4Stride2Pad1() {
        op("conv2d.4x4.s2p1").python("F.conv2d(x0, x1, x2, stride=2, padding=1)")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], 2, 1))
                .inputs(randn(2, 3, 10, 12), randn(5, 3, 4, 4), randn(5)).run();
    }

    @Test
    void dilation2() {
        op("conv2d.dilation2").python("F.conv2d(x0, x1, x2, stride=1, padding=2, dilation=2)")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], p(1, 1), p(2, 2), p(2, 2), 1))
                .inputs(randn(2, 4, 11, 9), randn(3, 4, 3, 3), randn(3)).run();
    }

    @Test
    void groups2() {
        op("conv2d.groups2").python("F.conv2d(x0, x1, x2, stride=1, padding=1, groups=2)")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], p(1, 1), p(1, 1), p(1, 1), 2))
                .inputs(randn(2, 4, 7, 7), randn(6, 2, 3, 3), randn(6)).run();
    }

    @Test
    void depthwise() {
        op("conv2d.depthwise").python("F.conv2d(x0, x1, x2, stride=2, padding=1, groups=6)")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], p(2, 2), p(1, 1), p(1, 1), 6))
                .inputs(randn(2, 6, 9, 8), randn(6, 1, 3, 3), randn(6)).run();
    }

    @Test
    void oddSpatialStride2() {
        op("conv2d.7x9.s2").python("F.conv2d(x0, x1, x2, stride=2, padding=1)")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], 2, 1))
                .inputs(randn(3, 3, 7, 9), randn(4, 3, 3, 3), randn(4)).run();
    }

    @Test
    void stride2NoPadding() {
        op("conv2d.3x3.s2p0").python("F.conv2d(x0, x1, None, stride=2, padding=0)")
                .java(x -> Convolution.conv2d(x[0], x[1], null, 2, 0))
                .inputs(randn(2, 4, 9, 10), randn(3, 4, 3, 3)).run();
    }

    @Test
    void nonContiguousInput() {
        op("conv2d.nhwc").python("F.conv2d(x0.permute(0, 3, 1, 2), x1, x2, padding=1)")
                .java(x -> Convolution.conv2d(x[0].permute(0, 3, 1, 2), x[1], x[2], 1, 1))
                .inputs(randn(2, 7, 9, 3), randn(4, 3, 3, 3), randn(4)).run();
    }

    @Test
    void nonContiguousWeightAndSlicedInput() {
        op("conv2d.sliced").python("F.conv2d(x0[:, :, ::2, 1:], x1.transpose(0, 1), None, padding=1)")
                .java(x -> Convolution.conv2d(x[0].slice(2, 0, 11, 2).slice(3, 1, 8, 1), x[1].transpose(0, 1), null, 1, 1))
                .inputs(randn(2, 3, 11, 8), randn(3, 5, 3, 3)).run();
    }

    @Test
    void rectangularKernelAndStride() {
        op("conv2d.rect").python("F.conv2d(x0, x1, x2, stride=(2, 1), padding=(1, 2), dilation=(1, 2))")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], p(2, 1), p(1, 2), p(1, 2), 1))
                .inputs(randn(2, 3, 9, 8), randn(4, 3, 3, 5), randn(4)).run();
    }

    @Test
    void batch1() {
        op("conv2d.batch1").python("F.conv2d(x0, x1, x2, stride=1, padding=1)")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], 1, 1))
                .inputs(randn(1, 8, 6, 5), randn(8, 8, 3, 3), randn(8)).run();
    }

    @Test
    void unbatched() {
        op("conv2d.unbatched").python("F.conv2d(x0, x1, x2, padding=1)")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], 1, 1))
                .inputs(randn(3, 6, 7), randn(2, 3, 3, 3), randn(2)).run();
    }

    @Test
    void largerThanOneTile() {
        // more than 128 output positions, 64 taps and 16 output channels: several blocks in every cpu kernel
        op("conv2d.tiles").python("F.conv2d(x0, x1, x2, padding=1)")
                .java(x -> Convolution.conv2d(x[0], x[1], x[2], 1, 1))
                .inputs(randn(2, 12, 13, 14), randn(20, 12, 3, 3), randn(20)).run();
    }

    // ---- conv_transpose2d ------------------------------------------------------------------------

    @Test
    void transposeStride2OutputPadding() {
        op("conv_transpose2d.s2.op1").python("F.conv_transpose2d(x0, x1, x2, stride=2, padding=1, output_padding=1)")
                .java(x -> Convolution.convTranspose2d(x[0], x[1], x[2], p(2, 2), p(1, 1), p(1, 1), 1, p(1, 1)))
                .inputs(randn(2, 4, 5, 5), randn(4, 3, 3, 3), randn(3)).run();
    }

    @Test
    void transpose4x4Stride2Batch1() {
        op("conv_transpose2d.4x4.s2").python("F.conv_transpose2d(x0, x1, x2, stride=2, padding=1)")
                .java(x -> Convolution.convTranspose2d(x[0], x[1], x[2], 2, 1))
                .inputs(randn(1, 6, 4, 3), randn(6, 3, 4, 4), randn(3)).run();
    }

    @Test
    void transposeGroupsDilation() {
        op("conv_transpose2d.groups.dilation").python("F.conv_transpose2d(x0, x1, x2, stride=1, padding=1, groups=2, dilation=2)")
                .java(x -> Convolution.convTranspose2d(x[0], x[1], x[2], p(1, 1), p(1, 1), p(0, 0), 2, p(2, 2)))
                .inputs(randn(3, 4, 6, 5), randn(4, 3, 3, 3), randn(6)).run();
    }

    @Test
    void transposeRectangular() {
        op("conv_transpose2d.rect").python("F.conv_transpose2d(x0, x1, None, stride=(2, 3), padding=(0, 1), output_padding=(1, 2))")
                .java(x -> Convolution.convTranspose2d(x[0], x[1], null, p(2, 3), p(0, 1), p(1, 2), 1, p(1, 1)))
                .inputs(randn(2, 3, 4, 5), randn(3, 2, 3, 4)).run();
    }

    @Test
    void transposeOutputPaddingBelowDilation() {
        // output_padding >= stride is allowed when below dilation: the extra rows get only bias
        op("conv_transpose2d.op.dilation").python("F.conv_transpose2d(x0, x1, x2, stride=1, padding=0, output_padding=1, dilation=2)")
                .java(x -> Convolution.convTranspose2d(x[0], x[1], x[2], p(1, 1), p(0, 0), p(1, 1), 1, p(2, 2)))
                .inputs(randn(2, 3, 5, 4), randn(3, 2, 3, 3), randn(2)).run();
    }

    @Test
    void transposeNonContiguousInput() {
        op("conv_transpose2d.nhwc").python("F.conv_transpose2d(x0.permute(0, 3, 1, 2), x1, x2, stride=2, groups=2)")
                .java(x -> Convolution.convTranspose2d(x[0].permute(0, 3, 1, 2), x[1], x[2], p(2, 2), p(0, 0), p(0, 0), 2, p(1, 1)))
                .inputs(randn(3, 5, 4, 6), randn(6, 2, 2, 2), randn(4)).run();
    }

    @Test
    void transposeUnbatched() {
        op("conv_transpose2d.unbatched").python("F.conv_transpose2d(x0, x1, None, stride=2, padding=1)")
                .java(x -> Convolution.convTranspose2d(x[0], x[1], null, 2, 1))
                .inputs(randn(3, 4, 5), randn(3, 2, 3, 3)).run();
    }

    /** The weight-gradient primitive (used by the double backward of both convolutions) and its own gradients. */
    @Test
    void weightGradPrimitive() {
        Conv2dParams params = new Conv2dParams(2, 1, 1, 0, 1, 2, 2);
        op("conv2d_weight").python("torch.nn.grad.conv2d_weight(x0, (6, 2, 3, 2), x1, stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)")
                .java(x -> Convolution.weightGrad(x[0], x[1], params, 3, 2))
                .inputs(randn(2, 4, 7, 6), randn(2, 6, params.outH(7, 3), params.outW(6, 2))).run();
    }

    // ---- finite differences ----------------------------------------------------------------------

    @Test
    void gradCheckConv2d() {
        Rng rng = new Rng(5);
        GradCheck.check("conv2d", x -> Convolution.conv2d(x[0], x[1], x[2], p(2, 1), p(1, 1), p(1, 2), 2), 17,
                Tensor.randn(rng, 2, 4, 6, 7), Tensor.randn(rng, 4, 2, 3, 3), Tensor.randn(rng, 4));
    }

    @Test
    void gradCheckConvTranspose2d() {
        Rng rng = new Rng(6);
        GradCheck.check("conv_transpose2d", x -> Convolution.convTranspose2d(x[0], x[1], x[2], p(2, 2), p(1, 0), p(1, 1), 1, p(1, 1)), 18,
                Tensor.randn(rng, 2, 3, 4, 5), Tensor.randn(rng, 3, 2, 3, 3), Tensor.randn(rng, 2));
    }

    /** The reference backend runs the same op (small case) and agrees with PyTorch too. */
    @Test
    void referenceDevice() {
        Rng rng = new Rng(9);
        Tensor x = Tensor.randn(rng, 2, 4, 7, 6).to(Device.REFERENCE), w = Tensor.randn(rng, 6, 2, 3, 3).to(Device.REFERENCE);
        Tensor y = Convolution.conv2d(x, w, null, p(2, 1), p(1, 1), p(1, 1), 2);
        Tensor expected = Convolution.conv2d(x.to(Device.CPU), w.to(Device.CPU), null, p(2, 1), p(1, 1), p(1, 1), 2);
        assertEquals(Device.REFERENCE, y.device());
        float[] a = y.toFloatArray(), e = expected.toFloatArray();
        for (int i = 0; i < a.length; i++) assertEquals(e[i], a[i], 1e-5 * Math.max(1, Math.abs(e[i])), "element " + i);
    }

    // ---- errors ----------------------------------------------------------------------------------

    private static String error(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void channelMismatch() {
        assertEquals("conv2d: input [8, 32, 16, 16] has 32 channels, weight [64, 64, 3, 3] expects 64",
                error(() -> Convolution.conv2d(Tensor.zeros(8, 32, 16, 16), Tensor.zeros(64, 64, 3, 3), null, 1, 1)));
        assertEquals("conv_transpose2d: input [2, 5, 4, 4] has 5 channels, weight [4, 3, 3, 3] expects 4",
                error(() -> Convolution.convTranspose2d(Tensor.zeros(2, 5, 4, 4), Tensor.zeros(4, 3, 3, 3), null, 2, 1)));
    }

    @Test
    void wrongRank() {
        assertEquals("conv2d: expected 3-D (unbatched) or 4-D (batched) input, but got input of shape [2, 3]",
                error(() -> Convolution.conv2d(Tensor.zeros(2, 3), Tensor.zeros(4, 3, 3, 3), null, 1, 1)));
        assertEquals("conv2d: weight must be 4-D [out_channels, in_channels/groups, kH, kW], got [4, 3, 3]",
                error(() -> Convolution.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(4, 3, 3), null, 1, 1)));
    }

    @Test
    void groupsMustDivideChannels() {
        assertEquals("conv2d: weight [3, 2, 3, 3] has 3 output channels, not divisible by groups=2",
                error(() -> Convolution.conv2d(Tensor.zeros(1, 4, 5, 5), Tensor.zeros(3, 2, 3, 3), null, p(1, 1), p(1, 1), p(1, 1), 2)));
        assertEquals("conv2d: input [1, 5, 5, 5] has 5 channels, not divisible by groups=2",
                error(() -> Convolution.conv2d(Tensor.zeros(1, 5, 5, 5), Tensor.zeros(4, 2, 3, 3), null, p(1, 1), p(1, 1), p(1, 1), 2)));
        assertEquals("conv2d: input [1, 6, 5, 5] has 6 channels, weight [4, 2, 3, 3] expects 4 (2 per group x 2 groups)",
                error(() -> Convolution.conv2d(Tensor.zeros(1, 6, 5, 5), Tensor.zeros(4, 2, 3, 3), null, p(1, 1), p(1, 1), p(1, 1), 2)));
    }

    @Test
    void kernelLargerThanPaddedInput() {
        assertEquals("conv2d: calculated padded input size per channel (2 x 2) is smaller than the dilated kernel size (3 x 3); "
                        + "input [1, 3, 2, 2], weight [4, 3, 3, 3]",
                error(() -> Convolution.conv2d(Tensor.zeros(1, 3, 2, 2), Tensor.zeros(4, 3, 3, 3), null, 1, 0)));
        assertTrue(error(() -> Convolution.convTranspose2d(Tensor.zeros(1, 3, 1, 1), Tensor.zeros(3, 2, 1, 1), null, 1, 1))
                .startsWith("conv_transpose2d: output size (-1 x -1) is too small"));
    }

    @Test
    void biasAndOutputPadding() {
        assertEquals("conv2d: bias [5] should be 1-D with 4 elements to match weight [4, 3, 3, 3]",
                error(() -> Convolution.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(4, 3, 3, 3), Tensor.zeros(5), 1, 1)));
        assertEquals("conv_transpose2d: output padding (2, 2) must be smaller than either stride (2, 2) or dilation (1, 1)",
                error(() -> Convolution.convTranspose2d(Tensor.zeros(1, 3, 4, 4), Tensor.zeros(3, 2, 3, 3), null,
                        p(2, 2), p(1, 1), p(2, 2), 1, p(1, 1))));
        assertEquals("conv2d: stride must be >= 1, got [0, 1]",
                error(() -> Convolution.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(4, 3, 3, 3), null, p(0, 1), p(1, 1), p(1, 1), 1)));
    }

    @Test
    void deviceMismatch() {
        assertEquals("conv2d: expected all tensors to be on the same device, but found at least two devices, reference and " + Tensor.defaultDevice(),
                error(() -> Convolution.conv2d(Tensor.zeros(Device.REFERENCE, 1, 3, 5, 5), Tensor.zeros(4, 3, 3, 3), null, 1, 1)));
    }
}
