package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.Input;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.DType;
import dev.vq4j.core.Pool2dParams;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static dev.vq4j.autograd.oracle.Input.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * max_pool2d and avg_pool2d against PyTorch: overlapping and padded windows, ceil_mode,
 * count_include_pad, odd and non-square sizes, 3-D input, non-contiguous views. Max pooling uses
 * random normals, so windows have no ties and the argmax (and the gradient) is unambiguous.
 */
class PoolingParityTest extends TorchParityTest {
    private OpCheck max(String name) {
        return torch.check(name).tol(OpCheck.ELEMENTWISE);
    }

    private OpCheck avg(String name) {
        return torch.check(name).tol(OpCheck.REDUCTION);
    }

    private static int[] p(int... v) {
        return v;
    }

    // ---- max pooling --------------------------------------------------------------------------------

    @Test
    void maxKernel2Stride2() {
        max("max_pool2d.k2s2").python("F.max_pool2d(x0, 2, 2)")
                .java(x -> Pooling.maxPool2d(x[0], p(2, 2), p(2, 2), null, false)).inputs(randn(2, 3, 8, 6)).run();
    }

    @Test
    void maxDefaultStrideOddSizeFloors() {
        max("max_pool2d.default_stride").python("F.max_pool2d(x0, 2)")
                .java(x -> Pooling.maxPool2d(x[0], p(2), null, null, false)).inputs(randn(2, 2, 7, 9)).run();
    }

    @Test
    void maxKernel3Stride2Padding1() {
        max("max_pool2d.k3s2p1").python("F.max_pool2d(x0, 3, 2, 1)")
                .java(x -> Pooling.maxPool2d(x[0], p(3, 3), p(2, 2), p(1, 1), false)).inputs(randn(2, 3, 9, 7)).run();
    }

    @Test
    void maxCeilMode() {
        max("max_pool2d.ceil").python("F.max_pool2d(x0, 3, 2, ceil_mode=True)")
                .java(x -> Pooling.maxPool2d(x[0], p(3), p(2), null, true)).inputs(randn(1, 2, 8, 10)).run();
        max("max_pool2d.ceil.k2").python("F.max_pool2d(x0, 2, 2, ceil_mode=True)")
                .java(x -> Pooling.maxPool2d(x[0], p(2), p(2), null, true)).inputs(randn(2, 1, 7, 5)).run();
        max("max_pool2d.ceil.pad").python("F.max_pool2d(x0, 3, 2, 1, ceil_mode=True)")
                .java(x -> Pooling.maxPool2d(x[0], p(3), p(2), p(1), true)).inputs(randn(1, 3, 8, 6)).run();
    }

    @Test
    void maxNonSquare() {
        max("max_pool2d.nonsquare").python("F.max_pool2d(x0, (2, 3), (1, 2), (1, 1))")
                .java(x -> Pooling.maxPool2d(x[0], p(2, 3), p(1, 2), p(1, 1), false)).inputs(randn(2, 2, 5, 11)).run();
    }

    @Test
    void maxNonContiguous() {
        max("max_pool2d.transposed").python("F.max_pool2d(x0.transpose(2, 3), 3, 2, 1)")
                .java(x -> Pooling.maxPool2d(x[0].transpose(2, 3), p(3), p(2), p(1), false)).inputs(randn(2, 3, 6, 9)).run();
        max("max_pool2d.sliced").python("F.max_pool2d(x0[:, 1::2, :, 1:], 2, 2)")
                .java(x -> Pooling.maxPool2d(x[0].slice(1, 1, 6, 2).slice(3, 1, 9, 1), p(2), p(2), null, false))
                .inputs(randn(2, 6, 6, 9)).run();
    }

    @Test
    void maxUnbatched() {
        max("max_pool2d.3d").python("F.max_pool2d(x0, 3, 1, 1)")
                .java(x -> Pooling.maxPool2d(x[0], p(3), p(1), p(1), false)).inputs(randn(3, 7, 6)).run();
    }

    @Test
    void maxLargeRunsInParallel() {
        max("max_pool2d.large").python("F.max_pool2d(x0, 3, 2, 1)")
                .java(x -> Pooling.maxPool2d(x[0], p(3), p(2), p(1), false)).inputs(randn(2, 16, 33, 31)).run();
    }

    /** The kernel's indices are torch's return_indices: flat h*W + w within the input plane. */
    @Test
    void maxIndicesMatchReturnIndices() {
        max("max_pool2d.indices").python("F.max_pool2d(x0, 3, 2, 1, ceil_mode=True, return_indices=True)[1]")
                .java(x -> maxIndices(x[0], new Pool2dParams(3, 3, 2, 2, 1, 1, true, true)))
                .inputs(randn(2, 3, 8, 7)).forwardOnly().run();
    }

    /** NaN propagates: the output is NaN and, as ATen, the last NaN of a window is its argmax. */
    @Test
    void maxNaNPropagates() {
        Input withNaN = new Input("randn with NaNs", r -> {
            float[] v = Tensor.randn(r, 1, 2, 6, 6).toFloatArray();
            for (int i = 0; i < v.length; i += 7) v[i] = Float.NaN;
            return Tensor.of(v, 1, 2, 6, 6);
        }, true);
        max("max_pool2d.nan").python("F.max_pool2d(x0, 3, 2, 1)")
                .java(x -> Pooling.maxPool2d(x[0], p(3), p(2), p(1), false)).inputs(withNaN).run();
        max("max_pool2d.nan.indices").python("F.max_pool2d(x0, 3, 2, 1, return_indices=True)[1]")
                .java(x -> maxIndices(x[0], new Pool2dParams(3, 3, 2, 2, 1, 1, false, true))).inputs(withNaN).forwardOnly().run();
    }

    private static Tensor maxIndices(Tensor x, Pool2dParams p) {
        int[] shape = x.shape();
        shape[2] = p.outH(shape[2]);
        shape[3] = p.outW(shape[3]);
        Tensor out = Tensor.emptyLike(x, DType.FLOAT32, shape), idx = Tensor.emptyLike(x, DType.INT64, shape);
        x.backend().maxPool2d(x.kernelView(), out.kernelView(), idx.kernelView(), p);
        return idx;
    }

    // ---- average pooling ----------------------------------------------------------------------------

    @Test
    void avgKernel2Stride2() {
        avg("avg_pool2d.k2s2").python("F.avg_pool2d(x0, 2, 2)")
                .java(x -> Pooling.avgPool2d(x[0], p(2), p(2), null, false, true)).inputs(randn(2, 3, 8, 6)).run();
    }

    @Test
    void avgKernel3Stride2Padding1() {
        avg("avg_pool2d.k3s2p1").python("F.avg_pool2d(x0, 3, 2, 1)")
                .java(x -> Pooling.avgPool2d(x[0], p(3), p(2), p(1), false, true)).inputs(randn(2, 3, 9, 7)).run();
    }

    @Test
    void avgExcludingPadding() {
        avg("avg_pool2d.no_pad_count").python("F.avg_pool2d(x0, 3, 2, 1, count_include_pad=False)")
                .java(x -> Pooling.avgPool2d(x[0], p(3), p(2), p(1), false, false)).inputs(randn(2, 3, 9, 7)).run();
    }

    /** ceil_mode windows that run past the padded border: the divisor counts only the padded input. */
    @Test
    void avgCeilModeClippedAtPaddedBorder() {
        avg("avg_pool2d.ceil.pad").python("F.avg_pool2d(x0, 3, 2, 1, ceil_mode=True)")
                .java(x -> Pooling.avgPool2d(x[0], p(3), p(2), p(1), true, true)).inputs(randn(1, 2, 8, 8)).run();
        avg("avg_pool2d.ceil.pad.exclude").python("F.avg_pool2d(x0, 3, 2, 1, ceil_mode=True, count_include_pad=False)")
                .java(x -> Pooling.avgPool2d(x[0], p(3), p(2), p(1), true, false)).inputs(randn(1, 2, 8, 8)).run();
        avg("avg_pool2d.ceil.k4s3").python("F.avg_pool2d(x0, 4, 3, 2, ceil_mode=True)")
                .java(x -> Pooling.avgPool2d(x[0], p(4), p(3), p(2), true, true)).inputs(randn(2, 1, 10, 9)).run();
        avg("avg_pool2d.ceil.nopad").python("F.avg_pool2d(x0, 2, 2, ceil_mode=True)")
                .java(x -> Pooling.avgPool2d(x[0], p(2), p(2), null, true, true)).inputs(randn(2, 2, 7, 5)).run();
    }

    @Test
    void avgNonSquareOddSizes() {
        avg("avg_pool2d.nonsquare").python("F.avg_pool2d(x0, (3, 2), (2, 1), (1, 0), count_include_pad=False)")
                .java(x -> Pooling.avgPool2d(x[0], p(3, 2), p(2, 1), p(1, 0), false, false)).inputs(randn(3, 2, 7, 5)).run();
    }

    @Test
    void avgNonContiguousAndUnbatched() {
        avg("avg_pool2d.transposed").python("F.avg_pool2d(x0.transpose(1, 3), 3, 2, 1)")
                .java(x -> Pooling.avgPool2d(x[0].transpose(1, 3), p(3), p(2), p(1), false, true)).inputs(randn(2, 7, 5, 3)).run();
        avg("avg_pool2d.3d").python("F.avg_pool2d(x0, 2, 1, 1, count_include_pad=False)")
                .java(x -> Pooling.avgPool2d(x[0], p(2), p(1), p(1), false, false)).inputs(randn(4, 5, 6)).run();
    }

    // ---- finite differences -------------------------------------------------------------------------

    /** Distinct values 0.25 apart, shuffled: no finite-difference step can swap a window's argmax. */
    private static Tensor spreadOut(long seed, int... shape) {
        Rng rng = new Rng(seed);
        int n = Tensor.zeros(shape).numel();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.25f * (i - n / 2);
        for (int i = n - 1; i > 0; i--) {
            int j = (int) rng.nextLong(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape);
    }

    @Test
    void gradCheckMaxPool() {
        GradCheck.check("max_pool2d", x -> Pooling.maxPool2d(x[0], p(3), p(2), p(1), true), 11, spreadOut(3, 2, 2, 7, 6));
    }

    @Test
    void gradCheckAvgPool() {
        GradCheck.check("avg_pool2d", x -> Pooling.avgPool2d(x[0], p(3, 2), p(2), p(1), true, false), 12,
                Tensor.randn(new Rng(4), 2, 2, 7, 6));
    }

    /** Overlapping windows share elements: the gradient is the sum over windows. */
    @Test
    void maxGradientSumsOverWindows() {
        Tensor x = Tensor.of(new float[] {0, 0, 0, 0, 9, 0, 0, 0, 0}, 1, 1, 3, 3).requiresGrad(true);
        Pooling.maxPool2d(x, p(2), p(1), null, false).sum().backward();
        assertArrayEquals(new float[] {0, 0, 0, 0, 4, 0, 0, 0, 0}, x.grad().toFloatArray());
    }

    // ---- errors -------------------------------------------------------------------------------------

    @Test
    void rejectsWrongRank() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pooling.maxPool2d(Tensor.zeros(4, 4), p(2), null, null, false));
        assertEquals("max_pool2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, but got [4, 4]", e.getMessage());
    }

    @Test
    void rejectsPaddingOverHalfKernel() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pooling.avgPool2d(Tensor.zeros(1, 1, 8, 8), p(3), p(1), p(2), false, true));
        assertEquals("avg_pool2d: pad should be at most half of kernel size, but got pad=[2, 2] and kernel_size=[3, 3]", e.getMessage());
    }

    @Test
    void rejectsKernelLargerThanInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pooling.maxPool2d(Tensor.zeros(1, 3, 2, 2), p(3), null, null, false));
        assertTrue(e.getMessage().startsWith("max_pool2d: given input size [1, 3, 2, 2]"), e.getMessage());
        assertTrue(e.getMessage().contains("calculated output size (3x0x0). Output size is too small"), e.getMessage());
    }

    @Test
    void rejectsBadStrideAndKernelTuple() {
        var e = assertThrows(IllegalArgumentException.class, () -> Pooling.maxPool2d(Tensor.zeros(1, 1, 4, 4), p(2), p(0, 1), null, false));
        assertEquals("max_pool2d: stride should be greater than zero, but got dH: 0 dW: 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pooling.avgPool2d(Tensor.zeros(1, 1, 4, 4), p(2, 2, 2), null, null, false, true));
        assertEquals("avg_pool2d: kernel_size must either be a single int, or a tuple of two ints, but got [2, 2, 2]", e.getMessage());
    }
}
