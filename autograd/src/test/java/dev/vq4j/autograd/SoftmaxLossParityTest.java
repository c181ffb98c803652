package dev.vq4j.autograd;

import dev.vq4j.autograd.Losses.Reduction;
import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.Input;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static dev.vq4j.autograd.oracle.Input.*;
import static org.junit.jupiter.api.Assertions.*;

/** softmax, log_softmax and the losses against PyTorch, plus finite-difference checks and error messages. */
class SoftmaxLossParityTest extends TorchParityTest {
    private OpCheck op(String name) {
        return torch.check(name).tol(OpCheck.REDUCTION);
    }

    private static String py(Reduction r) {
        return "'" + r.name().toLowerCase() + "'";
    }

    // ---- softmax ----------------------------------------------------------------------------------

    /** Input [5, 7, 4] transposed to a non-contiguous [7, 5, 4]. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1})
    void softmaxNonContiguous(int dim) {
        op("softmax.dim" + dim).python("torch.softmax(x0.transpose(0, 1), " + dim + ")")
                .java(x -> Softmax.softmax(x[0].transpose(0, 1), dim)).inputs(randn(5, 7, 4)).run();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1})
    void logSoftmaxNonContiguous(int dim) {
        op("log_softmax.dim" + dim).python("torch.log_softmax(x0.transpose(0, 2), " + dim + ")")
                .java(x -> Softmax.logSoftmax(x[0].transpose(0, 2), dim)).inputs(randn(3, 6, 5)).run();
    }

    /**
     * Large logits: without subtracting the max, exp(100) would overflow float32. At ×100 the
     * gradient is ill-conditioned in float32 itself (y·(g − Σg·y) cancels to a few ulps of the
     * rounded probabilities, for PyTorch as for us), so the gradient is checked at ×10 and the
     * forward at ×100, both against PyTorch in float64 (the exact answer rounded to float32; PyTorch's
     * own float32 Σg·y is a few ulps off at ×10 already).
     */
    @Test
    void softmaxLargeValuesStable() {
        op("softmax.large").python("torch.softmax(x0.double() * 100, -1).float()").java(x -> Softmax.softmax(x[0].mul(100f), -1))
                .inputs(uniform(-1f, 1f, 4, 9)).forwardOnly().run();
        op("log_softmax.large").python("torch.log_softmax(x0.double() * 100, 1).float()").java(x -> Softmax.logSoftmax(x[0].mul(100f), 1))
                .inputs(uniform(-1f, 1f, 4, 9)).forwardOnly().run();
        op("softmax.x10").python("torch.softmax(x0.double() * 10, -1).float()").java(x -> Softmax.softmax(x[0].mul(10f), -1)).inputs(uniform(-1f, 1f, 4, 9)).run();
        op("log_softmax.x10").python("torch.log_softmax(x0.double() * 10, 1).float()").java(x -> Softmax.logSoftmax(x[0].mul(10f), 1)).inputs(uniform(-1f, 1f, 4, 9)).run();
    }

    @Test
    void softmaxGradCheck() {
        Rng rng = new Rng(11);
        GradCheck.check("softmax", x -> Softmax.softmax(x[0], 1), 1, Tensor.randn(rng, 3, 5, 2));
        GradCheck.check("log_softmax", x -> Softmax.logSoftmax(x[0], -1), 2, Tensor.randn(rng, 4, 6));
    }

    @Test
    void softmaxBadDim() {
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Softmax.softmax(Tensor.zeros(2, 3), 2));
        assertTrue(e.getMessage().contains("softmax"), e.getMessage());
    }

    // ---- mse and l1 -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void mse(Reduction r) {
        op("mse_loss." + r).python("F.mse_loss(x0.t(), x1, reduction=" + py(r) + ")")
                .java(x -> Losses.mse(x[0].t(), x[1], r)).inputs(randn(5, 3), randn(3, 5)).run();
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void l1(Reduction r) {
        op("l1_loss." + r).python("F.l1_loss(x0, x1.transpose(1, 2), reduction=" + py(r) + ")")
                .java(x -> Losses.l1(x[0], x[1].transpose(1, 2), r)).inputs(randn(2, 3, 4), randn(2, 4, 3)).run();
    }

    /** Where input equals target the gradient is 0 (sign(0)), as PyTorch. */
    @Test
    void l1GradientAtZero() {
        Tensor t = Tensor.of(new float[] {1f, -2f, 0f, 3f, 0.5f, -1f}, 2, 3);
        op("l1_loss.equal").python("F.l1_loss(x0, x1)").java(x -> Losses.l1(x[0], x[1], Reduction.MEAN))
                .inputs(Input.of(t), Input.of(t.clone()).noGrad()).run();
        Tensor a = t.detach().requiresGrad(true);
        Losses.l1(a, t, Reduction.SUM).backward();
        assertArrayEquals(new float[6], a.grad().toFloatArray());
    }

    @Test
    void lossShapeMismatch() {
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(Tensor.zeros(3, 4), Tensor.zeros(4), Reduction.MEAN));
        assertTrue(e.getMessage().contains("mse_loss") && e.getMessage().contains("[4]") && e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.l1(Tensor.zeros(3, 1), Tensor.zeros(3), Reduction.SUM));
        assertTrue(e.getMessage().contains("l1_loss") && e.getMessage().contains("[3, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.bceWithLogits(Tensor.zeros(3, 1), Tensor.zeros(3), Reduction.SUM));
        assertTrue(e.getMessage().contains("binary_cross_entropy_with_logits") && e.getMessage().contains("[3, 1]"), e.getMessage());
    }

    // ---- cross entropy ----------------------------------------------------------------------------

    /** int64 class indices in [0, classes), with about a quarter replaced by ignore. */
    private static Input targetsWithIgnored(int classes, long ignore, int... shape) {
        return new Input("targets<" + classes + " ignore " + ignore + Arrays.toString(shape), r -> {
            long[] v = new long[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < v.length; i++) v[i] = r.nextFloat() < 0.25f ? ignore : r.nextLong(classes);
            v[0] = 0; // at least one position counts
            return Tensor.ofLongs(v, shape);
        }, false);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropy2d(Reduction r) {
        op("cross_entropy.2d." + r).python("F.cross_entropy(x0.t(), x1, reduction=" + py(r) + ")")
                .java(x -> Losses.crossEntropy(x[0].t(), x[1], -100, r)).inputs(randn(7, 6), indices(7, 6)).run();
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropyIgnoreIndex(Reduction r) {
        op("cross_entropy.ignore." + r).python("F.cross_entropy(x0, x1, ignore_index=-100, reduction=" + py(r) + ")")
                .java(x -> Losses.crossEntropy(x[0], x[1], -100, r)).inputs(randn(9, 5), targetsWithIgnored(5, -100, 9)).run();
        // an ignore index that is also a valid class
        op("cross_entropy.ignore2." + r).python("F.cross_entropy(x0, x1, ignore_index=2, reduction=" + py(r) + ")")
                .java(x -> Losses.crossEntropy(x[0], x[1], 2, r)).inputs(randn(9, 5), indices(5, 9)).run();
    }

    /** Segmentation-style logits [N, C, H, W] with targets [N, H, W], some ignored. */
    @ParameterizedTest
    @EnumSource(Reduction.class)
    void crossEntropy4d(Reduction r) {
        op("cross_entropy.4d." + r).python("F.cross_entropy(x0, x1, ignore_index=-100, reduction=" + py(r) + ")")
                .java(x -> Losses.crossEntropy(x[0], x[1], -100, r)).inputs(randn(2, 4, 3, 5), targetsWithIgnored(4, -100, 2, 3, 5)).run();
    }

    @Test
    void crossEntropyUnbatched() {
        op("cross_entropy.unbatched").python("F.cross_entropy(x0, x1)").java(x -> Losses.crossEntropy(x[0], x[1]))
                .inputs(randn(6), Input.of(Tensor.ofLongs(new long[] {4}))).run();
    }

    /** Every target ignored: the mean is 0/0 = NaN and the gradient is zero, as PyTorch. */
    @Test
    void crossEntropyAllIgnored() {
        op("cross_entropy.all_ignored").python("F.cross_entropy(x0, x1)").java(x -> Losses.crossEntropy(x[0], x[1]))
                .inputs(randn(3, 4), Input.of(Tensor.ofLongs(new long[] {-100, -100, -100}, 3))).run();
        Tensor x = Tensor.randn(new Rng(3), 3, 4).requiresGrad(true);
        Tensor loss = Losses.crossEntropy(x, Tensor.ofLongs(new long[] {-100, -100, -100}, 3));
        assertTrue(Float.isNaN(loss.item()));
        loss.backward();
        assertArrayEquals(new float[12], x.grad().toFloatArray());
    }

    @Test
    void crossEntropyGradCheck() {
        Rng rng = new Rng(5);
        Tensor target = Tensor.ofLongs(new long[] {0, 3, -100, 1, 2, 3}, 2, 3);
        GradCheck.check("cross_entropy.3d", x -> Losses.crossEntropy(x[0], target, -100, Reduction.MEAN), 3, Tensor.randn(rng, 2, 4, 3));
        Tensor t2 = Tensor.ofLongs(new long[] {2, 0, 1, 1, 2}, 5);
        GradCheck.check("cross_entropy.none", x -> Losses.crossEntropy(x[0], t2, -100, Reduction.NONE), 4, Tensor.randn(rng, 5, 3));
    }

    @Test
    void crossEntropyErrors() {
        var e = assertThrows(IndexOutOfBoundsException.class,
                () -> Losses.crossEntropy(Tensor.zeros(2, 3), Tensor.ofLongs(new long[] {0, 5}, 2)));
        assertTrue(e.getMessage().contains("cross_entropy") && e.getMessage().contains("target 5") && e.getMessage().contains("3 classes"), e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class,
                () -> Losses.crossEntropy(Tensor.zeros(2, 3), Tensor.ofLongs(new long[] {0, -1}, 2)));
        assertTrue(e.getMessage().contains("target -1"), e.getMessage());
        var s = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(Tensor.zeros(2, 3, 4), Tensor.ofLongs(new long[] {0, 1}, 2)));
        assertTrue(s.getMessage().contains("[2, 4]") && s.getMessage().contains("[2, 3, 4]") && s.getMessage().contains("[2]"), s.getMessage());
        s = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.zeros(2, 3), Tensor.zeros(2)));
        assertTrue(s.getMessage().contains("int64"), s.getMessage());
    }

    // ---- binary cross entropy with logits ---------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void bceWithLogits(Reduction r) {
        op("bce_with_logits." + r).python("F.binary_cross_entropy_with_logits(x0.transpose(0, 1), x1, reduction=" + py(r) + ")")
                .java(x -> Losses.bceWithLogits(x[0].transpose(0, 1), x[1], r)).inputs(uniform(-4f, 4f, 3, 4, 2), uniform(0f, 1f, 4, 3, 2)).run();
    }

    /** |x| up to 60: log(1 + exp(x)) would overflow in float32 without the stable form. */
    @Test
    void bceWithLogitsLargeLogits() {
        op("bce_with_logits.large").python("F.binary_cross_entropy_with_logits(x0 * 30, x1, reduction='sum')")
                .java(x -> Losses.bceWithLogits(x[0].mul(30f), x[1], Reduction.SUM)).inputs(uniform(-2f, 2f, 16), uniform(0f, 1f, 16)).run();
        Tensor big = Losses.bceWithLogits(Tensor.of(new float[] {200f, -200f}), Tensor.of(new float[] {0f, 1f}), Reduction.NONE);
        assertArrayEquals(new float[] {200f, 200f}, big.toFloatArray(), 1e-3f);
    }
}
