package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static dev.vq4j.autograd.oracle.Input.randn;
import static dev.vq4j.core.PadMode.CONSTANT;
import static dev.vq4j.core.PadMode.REFLECT;
import static dev.vq4j.core.PadMode.REPLICATE;
import static dev.vq4j.core.UpsampleMode.BILINEAR;
import static dev.vq4j.core.UpsampleMode.NEAREST;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * interpolate (nearest, bilinear with and without align_corners, up and down) and pad (constant,
 * reflect, replicate, negative crops) against PyTorch, forward and backward, incl. 3-D inputs and
 * non-contiguous views.
 */
class ResamplingParityTest extends TorchParityTest {
    private OpCheck exact(String name) {
        return torch.check(name).tol(OpCheck.ELEMENTWISE);
    }

    private OpCheck summed(String name) {
        return torch.check(name).tol(OpCheck.REDUCTION);
    }

    private static int[] p(int... v) {
        return v;
    }

    // ---- nearest ------------------------------------------------------------------------------------

    @Test
    void nearestTimesTwo() {
        exact("nearest.x2").python("F.interpolate(x0, scale_factor=2, mode='nearest')")
                .java(x -> Resampling.upsample(x[0], 2, NEAREST, false)).inputs(randn(2, 3, 5, 4)).run();
    }

    @Test
    void nearestToOddSize() {
        exact("nearest.odd").python("F.interpolate(x0, size=(7, 11), mode='nearest')")
                .java(x -> Resampling.interpolate(x[0], 7, 11, NEAREST, false)).inputs(randn(2, 2, 5, 6)).run();
    }

    @Test
    void nearestDownsampling() {
        exact("nearest.down").python("F.interpolate(x0, size=(4, 3), mode='nearest')")
                .java(x -> Resampling.interpolate(x[0], 4, 3, NEAREST, false)).inputs(randn(2, 3, 9, 7)).run();
        exact("nearest.mixed").python("F.interpolate(x0, size=(3, 10), mode='nearest')")
                .java(x -> Resampling.interpolate(x[0], 3, 10, NEAREST, false)).inputs(randn(1, 2, 7, 6)).run();
    }

    @Test
    void nearestNonContiguousAndUnbatched() {
        exact("nearest.transposed").python("F.interpolate(x0.transpose(2, 3), size=(10, 9), mode='nearest')")
                .java(x -> Resampling.interpolate(x[0].transpose(2, 3), 10, 9, NEAREST, false)).inputs(randn(2, 3, 6, 5)).run();
        exact("nearest.3d").python("F.interpolate(x0.unsqueeze(0), scale_factor=3, mode='nearest').squeeze(0)")
                .java(x -> Resampling.upsample(x[0], 3, NEAREST, false)).inputs(randn(3, 4, 5)).run();
    }

    // ---- bilinear -----------------------------------------------------------------------------------

    @Test
    void bilinearUp() {
        for (boolean align : new boolean[] {false, true})
            summed("bilinear.up." + align).python("F.interpolate(x0, size=(11, 8), mode='bilinear', align_corners=" + py(align) + ")")
                    .java(x -> Resampling.interpolate(x[0], 11, 8, BILINEAR, align)).inputs(randn(2, 3, 5, 6)).run();
    }

    @Test
    void bilinearTimesTwo() {
        for (boolean align : new boolean[] {false, true})
            summed("bilinear.x2." + align).python("F.interpolate(x0, scale_factor=2, mode='bilinear', align_corners=" + py(align) + ")")
                    .java(x -> Resampling.upsample(x[0], 2, BILINEAR, align)).inputs(randn(2, 2, 7, 4)).run();
    }

    @Test
    void bilinearDown() {
        for (boolean align : new boolean[] {false, true})
            summed("bilinear.down." + align).python("F.interpolate(x0, size=(4, 3), mode='bilinear', align_corners=" + py(align) + ")")
                    .java(x -> Resampling.interpolate(x[0], 4, 3, BILINEAR, align)).inputs(randn(2, 3, 9, 10)).run();
    }

    @Test
    void bilinearMixedAndDegenerateSizes() {
        for (boolean align : new boolean[] {false, true}) {
            summed("bilinear.same_h." + align).python("F.interpolate(x0, size=(6, 13), mode='bilinear', align_corners=" + py(align) + ")")
                    .java(x -> Resampling.interpolate(x[0], 6, 13, BILINEAR, align)).inputs(randn(1, 2, 6, 5)).run();
            summed("bilinear.to_one." + align).python("F.interpolate(x0, size=(1, 5), mode='bilinear', align_corners=" + py(align) + ")")
                    .java(x -> Resampling.interpolate(x[0], 1, 5, BILINEAR, align)).inputs(randn(2, 2, 4, 3)).run();
            summed("bilinear.from_one." + align).python("F.interpolate(x0, size=(4, 7), mode='bilinear', align_corners=" + py(align) + ")")
                    .java(x -> Resampling.interpolate(x[0], 4, 7, BILINEAR, align)).inputs(randn(2, 2, 1, 3)).run();
        }
    }

    @Test
    void bilinearNonContiguousAndUnbatched() {
        summed("bilinear.sliced").python("F.interpolate(x0[:, ::2, 1:, :], size=(9, 12), mode='bilinear', align_corners=False)")
                .java(x -> Resampling.interpolate(x[0].slice(1, 0, 4, 2).slice(2, 1, 7, 1), 9, 12, BILINEAR, false))
                .inputs(randn(2, 4, 7, 5)).run();
        summed("bilinear.3d").python("F.interpolate(x0.unsqueeze(0), size=(5, 8), mode='bilinear', align_corners=True).squeeze(0)")
                .java(x -> Resampling.interpolate(x[0], 5, 8, BILINEAR, true)).inputs(randn(3, 7, 4)).run();
    }

    @Test
    void bilinearLargeRunsInParallel() {
        summed("bilinear.large").python("F.interpolate(x0, scale_factor=2, mode='bilinear', align_corners=False)")
                .java(x -> Resampling.upsample(x[0], 2, BILINEAR, false)).inputs(randn(2, 16, 24, 20)).run();
    }

    private static String py(boolean b) {
        return b ? "True" : "False";
    }

    // ---- padding ------------------------------------------------------------------------------------

    @Test
    void padConstantWithValue() {
        exact("pad.constant.value").python("F.pad(x0, (1, 2, 0, 3), value=0.5)")
                .java(x -> Resampling.pad(x[0], p(1, 2, 0, 3), CONSTANT, 0.5f)).inputs(randn(2, 3, 4, 5)).run();
    }

    @Test
    void padConstantNegativeCrops() {
        exact("pad.constant.crop").python("F.pad(x0, (-1, 2, 1, -2))")
                .java(x -> Resampling.pad(x[0], p(-1, 2, 1, -2), CONSTANT, 0f)).inputs(randn(2, 5, 6)).run();
    }

    @Test
    void padConstantThreeDims() {
        exact("pad.constant.3dims").python("F.pad(x0, (1, 1, 2, 0, 1, 1), value=-1.0)")
                .java(x -> Resampling.pad(x[0], p(1, 1, 2, 0, 1, 1), CONSTANT, -1f)).inputs(randn(2, 3, 4, 3)).run();
        exact("pad.constant.1d").python("F.pad(x0, (3, 1))")
                .java(x -> Resampling.pad(x[0], p(3, 1), CONSTANT, 0f)).inputs(randn(7)).run();
    }

    /** taming-transformers' Downsample: F.pad(x, (0, 1, 0, 1)) before a stride-2 conv. */
    @Test
    void padTamingAsymmetric() {
        exact("pad.taming").python("F.pad(x0, (0, 1, 0, 1), mode='constant', value=0)")
                .java(x -> Resampling.pad(x[0], p(0, 1, 0, 1), CONSTANT, 0f)).inputs(randn(2, 4, 7, 6)).run();
    }

    @Test
    void padReflect() {
        exact("pad.reflect.4sided").python("F.pad(x0, (2, 1, 1, 3), mode='reflect')")
                .java(x -> Resampling.pad(x[0], p(2, 1, 1, 3), REFLECT, 0f)).inputs(randn(2, 3, 5, 4)).run();
        exact("pad.reflect.1d").python("F.pad(x0, (3, 2), mode='reflect')")
                .java(x -> Resampling.pad(x[0], p(3, 2), REFLECT, 0f)).inputs(randn(2, 3, 4)).run();
        exact("pad.reflect.max").python("F.pad(x0, (2, 2, 2, 2), mode='reflect')")
                .java(x -> Resampling.pad(x[0], p(2, 2, 2, 2), REFLECT, 0f)).inputs(randn(1, 2, 3, 3)).run();
    }

    /** The forward copies (exact); the backward sums up to 20 upstream values into an edge element, a reduction (7.3e-6 seen). */
    @Test
    void padReplicate() {
        exact("pad.replicate.4sided").python("F.pad(x0, (3, 1, 2, 4), mode='replicate')")
                .java(x -> Resampling.pad(x[0], p(3, 1, 2, 4), REPLICATE, 0f)).inputs(randn(2, 3, 4, 5)).gradTol(OpCheck.REDUCTION).run();
        exact("pad.replicate.1d").python("F.pad(x0, (4, 2), mode='replicate')")
                .java(x -> Resampling.pad(x[0], p(4, 2), REPLICATE, 0f)).inputs(randn(3, 2, 3)).gradTol(OpCheck.REDUCTION).run();
    }

    @Test
    void padNonContiguous() {
        exact("pad.reflect.transposed").python("F.pad(x0.transpose(1, 3), (1, 2, 2, 1), mode='reflect')")
                .java(x -> Resampling.pad(x[0].transpose(1, 3), p(1, 2, 2, 1), REFLECT, 0f)).inputs(randn(2, 5, 4, 3)).run();
        exact("pad.constant.sliced").python("F.pad(x0[:, 1:, ::2], (2, 0, 1, 1), value=2.0)")
                .java(x -> Resampling.pad(x[0].slice(1, 1, 4, 1).slice(2, 0, 7, 2), p(2, 0, 1, 1), CONSTANT, 2f))
                .inputs(randn(2, 4, 7, 3)).run();
        exact("pad.replicate.expanded").python("F.pad(x0.expand(2, 3, 4, 5), (1, 1, 1, 1), mode='replicate')")
                .java(x -> Resampling.pad(x[0].expand(2, 3, 4, 5), p(1, 1, 1, 1), REPLICATE, 0f)).inputs(randn(1, 3, 4, 1))
                .gradTol(OpCheck.REDUCTION).run(); // the gradient sums up to 2×7 upstream values per element (expand + replicate), in float32 on PyTorch's side
    }

    // ---- finite differences and adjoints ------------------------------------------------------------

    @Test
    void gradCheckBilinearAndNearest() {
        Tensor x = Tensor.randn(new Rng(5), 2, 2, 5, 4);
        GradCheck.check("bilinear", t -> Resampling.interpolate(t[0], 7, 3, BILINEAR, false), 21, x);
        GradCheck.check("bilinear.align", t -> Resampling.interpolate(t[0], 3, 9, BILINEAR, true), 22, x);
        GradCheck.check("nearest", t -> Resampling.interpolate(t[0], 8, 3, NEAREST, false), 23, x);
    }

    @Test
    void gradCheckPad() {
        Tensor x = Tensor.randn(new Rng(6), 2, 4, 5);
        GradCheck.check("pad.reflect", t -> Resampling.pad(t[0], p(3, 2, 1, 2), REFLECT, 0f), 31, x);
        GradCheck.check("pad.replicate", t -> Resampling.pad(t[0], p(2, 3), REPLICATE, 0f), 32, x);
        GradCheck.check("pad.constant", t -> Resampling.pad(t[0], p(-1, 2, 1, 1), CONSTANT, 3f), 33, x);
    }

    /** The gradient ops are the adjoints of the forward ops: <A x, y> = <x, A^T y>. */
    @Test
    void backwardIsTheAdjoint() {
        Rng rng = new Rng(7);
        Tensor x = Tensor.randn(rng, 2, 3, 5, 6).requiresGrad(true);
        Tensor out = Resampling.pad(x, p(2, 3, 4, 1), REFLECT, 0f);
        Tensor y = Tensor.randn(rng, out.shape());
        out.backward(y);
        float lhs = out.mul(y).sum().item(), rhs = x.detach().mul(x.grad()).sum().item();
        assertEquals(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)));
    }

    @Test
    void nearestKeepsValues() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
                Resampling.upsample(x, 2, NEAREST, false).toFloatArray());
    }

    // ---- errors -------------------------------------------------------------------------------------

    @Test
    void reflectPadMustBeSmallerThanInput() {
        var e = assertThrows(IllegalArgumentException.class, () -> Resampling.pad(Tensor.zeros(1, 1, 3, 3), p(3, 3), REFLECT, 0f));
        assertEquals("pad: padding size should be less than the corresponding input dimension in reflect mode, but got: padding (3, 3) "
                + "at dimension 3 of input [1, 1, 3, 3]", e.getMessage());
    }

    @Test
    void padLengthErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Resampling.pad(Tensor.zeros(2, 3), p(1, 1, 1), CONSTANT, 0f));
        assertEquals("pad: padding length must be divisible by 2, but got [1, 1, 1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Resampling.pad(Tensor.zeros(3), p(1, 1, 1, 1), CONSTANT, 0f));
        assertEquals("pad: padding length too large: [1, 1, 1, 1] pads 2 dims but input [3] has 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Resampling.pad(Tensor.zeros(2, 3), p(-2, -2), CONSTANT, 0f));
        assertEquals("pad: the input size 3, plus negative padding -2 and -2 resulted in a negative output size, which is invalid. "
                + "Check dimension 1 of your input [2, 3]", e.getMessage());
    }

    @Test
    void interpolateErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Resampling.interpolate(Tensor.zeros(4, 4), 8, 8, BILINEAR, false));
        assertEquals("interpolate: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input for 2-D resizing, but got [4, 4]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Resampling.interpolate(Tensor.zeros(1, 2, 4, 4), 0, 8, BILINEAR, false));
        assertEquals("interpolate: input and output sizes should be greater than 0, but got input [1, 2, 4, 4] (H: 4, W: 4) output (H: 0, W: 8)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Resampling.upsample(Tensor.zeros(1, 2, 4, 4), 2, NEAREST, true));
        assertEquals("interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear "
                + "(got nearest)", e.getMessage());
    }
}
