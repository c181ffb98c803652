package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.vq4j.autograd.oracle.Input.*;
import static org.junit.jupiter.api.Assertions.*;

/** group_norm, layer_norm and batch_norm against PyTorch (forward, input and affine gradients, running stats). */
class NormalizationParityTest extends TorchParityTest {
    private OpCheck op(String name) {
        return torch.check(name).tol(OpCheck.REDUCTION);
    }

    // ---- group_norm -------------------------------------------------------------------------------

    /** 4-D input, non-contiguous (H and W swapped), with affine, eps 1e-6 as taming-transformers. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 6})
    void groupNorm4dAffine(int groups) {
        op("group_norm.4d.g" + groups).python("F.group_norm(x0.transpose(2, 3), " + groups + ", x1, x2, 1e-6)")
                .java(x -> Normalization.groupNorm(x[0].transpose(2, 3), groups, x[1], x[2], 1e-6f))
                .inputs(randn(2, 6, 5, 3), randn(6), randn(6)).run();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 6})
    void groupNorm3dNoAffine(int groups) {
        op("group_norm.3d.g" + groups).python("F.group_norm(x0, " + groups + ", None, None, 1e-6)")
                .java(x -> Normalization.groupNorm(x[0], groups, null, null, 1e-6f))
                .inputs(randn(3, 6, 7)).run();
    }

    /** Shifted and scaled input: the mean must be removed before the variance is taken. */
    @Test
    void groupNormOffsetInput() {
        op("group_norm.offset").python("F.group_norm(x0 * 3 + 5, 2, x1, None, 1e-5)")
                .java(x -> Normalization.groupNorm(x[0].mul(3f).add(5f), 2, x[1], null, 1e-5f))
                .inputs(randn(2, 4, 3, 3), randn(4)).run();
    }

    @Test
    void groupNormGradCheck() {
        Rng rng = new Rng(21);
        GradCheck.check("group_norm", x -> Normalization.groupNorm(x[0], 2, x[1], x[2], 1e-6f), 1,
                Tensor.randn(rng, 2, 4, 3, 2), Tensor.randn(rng, 4), Tensor.randn(rng, 4));
        GradCheck.check("group_norm.3d", x -> Normalization.groupNorm(x[0], 3, null, null, 1e-6f), 2, Tensor.randn(rng, 2, 3, 5));
    }

    @Test
    void groupNormErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Normalization.groupNorm(Tensor.zeros(2, 6, 4), 4, null, null, 1e-5f));
        assertTrue(e.getMessage().contains("group_norm") && e.getMessage().contains("[2, 6, 4]") && e.getMessage().contains("num_groups=4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalization.groupNorm(Tensor.zeros(2, 6, 4), 2, Tensor.zeros(5), null, 1e-5f));
        assertTrue(e.getMessage().contains("weight") && e.getMessage().contains("[5]") && e.getMessage().contains("[2, 6, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalization.groupNorm(Tensor.zeros(6), 2, null, null, 1e-5f));
        assertTrue(e.getMessage().contains("at least 2 dimensions"), e.getMessage());
    }

    // ---- layer_norm -------------------------------------------------------------------------------

    @Test
    void layerNormLastDim() {
        op("layer_norm.1").python("F.layer_norm(x0.transpose(0, 1), [5], x1, x2, 1e-5)")
                .java(x -> Normalization.layerNorm(x[0].transpose(0, 1), new int[] {5}, x[1], x[2], 1e-5f))
                .inputs(randn(4, 3, 5), randn(5), randn(5)).run();
    }

    @Test
    void layerNormTwoDims() {
        op("layer_norm.2").python("F.layer_norm(x0.permute(0, 2, 1), [7, 3], x1, x2, 1e-6)")
                .java(x -> Normalization.layerNorm(x[0].permute(0, 2, 1), new int[] {7, 3}, x[1], x[2], 1e-6f))
                .inputs(randn(2, 3, 7), randn(7, 3), randn(7, 3)).run();
        op("layer_norm.2.noaffine").python("F.layer_norm(x0, [4, 3], None, None, 1e-5)")
                .java(x -> Normalization.layerNorm(x[0], new int[] {4, 3}, null, null, 1e-5f))
                .inputs(randn(5, 4, 3)).run();
    }

    @Test
    void layerNormGradCheck() {
        Rng rng = new Rng(22);
        GradCheck.check("layer_norm", x -> Normalization.layerNorm(x[0], new int[] {6}, x[1], x[2], 1e-5f), 3,
                Tensor.randn(rng, 3, 6), Tensor.randn(rng, 6), Tensor.randn(rng, 6));
        GradCheck.check("layer_norm.2", x -> Normalization.layerNorm(x[0], new int[] {3, 2}, null, null, 1e-5f), 4, Tensor.randn(rng, 2, 3, 2));
    }

    @Test
    void layerNormErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> Normalization.layerNorm(Tensor.zeros(3, 4), new int[] {5}, null, null, 1e-5f));
        assertTrue(e.getMessage().contains("layer_norm") && e.getMessage().contains("[*, 5]") && e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Normalization.layerNorm(Tensor.zeros(3, 4), new int[] {4}, Tensor.zeros(3), null, 1e-5f));
        assertTrue(e.getMessage().contains("weight of shape [3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    // ---- batch_norm -------------------------------------------------------------------------------

    @Test
    void batchNormTrainOutput() {
        op("batch_norm.train.4d").python("F.batch_norm(x0.transpose(2, 3), x1.clone(), x2.clone(), x3, x4, True, 0.1, 1e-5)")
                .java(x -> Normalization.batchNorm(x[0].transpose(2, 3), x[1].clone(), x[2].clone(), x[3], x[4], true, 0.1f, 1e-5f))
                .inputs(randn(3, 4, 5, 2), randn(4).noGrad(), positive(4).noGrad(), randn(4), randn(4)).run();
        op("batch_norm.train.2d").python("F.batch_norm(x0, None, None, None, None, True, 0.1, 1e-5)")
                .java(x -> Normalization.batchNorm(x[0], null, null, null, null, true, 0.1f, 1e-5f))
                .inputs(randn(6, 3)).run();
    }

    /** The running statistics after one training step: momentum blend of the batch mean and the unbiased batch variance. */
    @Test
    void batchNormTrainRunningStats() {
        // Python evaluates batch_norm first (updating rm, rv in place), then returns them concatenated.
        String py = "(lambda rm, rv: (F.batch_norm(x0, rm, rv, x3, None, True, %s, 1e-5), torch.cat([rm, rv]))[1])(x1.clone(), x2.clone())";
        op("batch_norm.running.4d").python(String.format(py, "0.1"))
                .java(x -> {
                    Tensor rm = x[1].clone(), rv = x[2].clone();
                    Normalization.batchNorm(x[0], rm, rv, x[3], null, true, 0.1f, 1e-5f);
                    return Shaping.cat(List.of(rm, rv), 0);
                })
                .inputs(randn(3, 4, 5, 2), randn(4), positive(4), randn(4)).forwardOnly().run();
        op("batch_norm.running.3d").python(String.format(py, "0.3"))
                .java(x -> {
                    Tensor rm = x[1].clone(), rv = x[2].clone();
                    Normalization.batchNorm(x[0].mul(2f).add(1f).sub(1f).div(2f), rm, rv, x[3], null, true, 0.3f, 1e-5f);
                    return Shaping.cat(List.of(rm, rv), 0);
                })
                .inputs(randn(2, 5, 3), randn(5), positive(5), randn(5)).forwardOnly().run();
    }

    /** A hand-computed update, independent of PyTorch: two samples per channel make the unbiased variance easy. */
    @Test
    void batchNormRunningStatsByHand() {
        Tensor x = Tensor.of(new float[] {1f, 10f, 3f, 14f}, 2, 2); // channel 0: {1, 3}, channel 1: {10, 14}
        Tensor rm = Tensor.of(new float[] {0f, 1f}), rv = Tensor.of(new float[] {1f, 2f});
        Tensor y = Normalization.batchNorm(x, rm, rv, null, null, true, 0.25f, 0f);
        // means 2, 12; unbiased variances 2, 8
        assertArrayEquals(new float[] {0.75f * 0f + 0.25f * 2f, 0.75f * 1f + 0.25f * 12f}, rm.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.75f * 1f + 0.25f * 2f, 0.75f * 2f + 0.25f * 8f}, rv.toFloatArray(), 1e-6f);
        // normalised with the biased variances 1, 4
        assertArrayEquals(new float[] {-1f, -1f, 1f, 1f}, y.toFloatArray(), 1e-6f);
    }

    @Test
    void batchNormEval() {
        op("batch_norm.eval.4d").python("F.batch_norm(x0, x1, x2, x3, x4, False, 0.1, 1e-5)")
                .java(x -> Normalization.batchNorm(x[0], x[1], x[2], x[3], x[4], false, 0.1f, 1e-5f))
                .inputs(randn(2, 3, 4, 5), randn(3).noGrad(), positive(3).noGrad(), randn(3), randn(3)).run();
        op("batch_norm.eval.2d").python("F.batch_norm(x0.t(), x1, x2, None, None, False, 0.1, 1e-3)")
                .java(x -> Normalization.batchNorm(x[0].t(), x[1], x[2], null, null, false, 0.1f, 1e-3f))
                .inputs(randn(4, 5), randn(4).noGrad(), positive(4).noGrad()).run();
        // eval leaves the running statistics alone
        Tensor rm = Tensor.of(new float[] {1f, 2f}), rv = Tensor.of(new float[] {3f, 4f});
        Normalization.batchNorm(Tensor.randn(new Rng(1), 3, 2), rm, rv, null, null, false, 0.1f, 1e-5f);
        assertArrayEquals(new float[] {1f, 2f}, rm.toFloatArray());
        assertArrayEquals(new float[] {3f, 4f}, rv.toFloatArray());
    }

    @Test
    void batchNormGradCheck() {
        Rng rng = new Rng(23);
        GradCheck.check("batch_norm", x -> Normalization.batchNorm(x[0], null, null, x[1], x[2], true, 0.1f, 1e-5f), 5,
                Tensor.randn(rng, 3, 2, 2), Tensor.randn(rng, 2), Tensor.randn(rng, 2));
    }

    @Test
    void batchNormErrors() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.batchNorm(Tensor.zeros(1, 3), null, null, null, null, true, 0.1f, 1e-5f));
        assertTrue(e.getMessage().contains("more than 1 value per channel") && e.getMessage().contains("[1, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.batchNorm(Tensor.zeros(2, 3), null, null, null, null, false, 0.1f, 1e-5f));
        assertTrue(e.getMessage().contains("evaluation mode"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Normalization.batchNorm(Tensor.zeros(2, 3), Tensor.zeros(4), Tensor.ones(3), null, null, false, 0.1f, 1e-5f));
        assertTrue(e.getMessage().contains("running_mean") && e.getMessage().contains("[4]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
