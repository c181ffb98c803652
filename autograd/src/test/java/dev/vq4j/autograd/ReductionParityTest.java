package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static dev.vq4j.autograd.ElementwiseParityTest.assertMessage;
import static dev.vq4j.autograd.oracle.Input.*;
import static org.junit.jupiter.api.Assertions.*;

/** Reductions against PyTorch on odd shapes and non-contiguous views, forward and backward, within 1e-4. */
class ReductionParityTest extends TorchParityTest {
    private static OpCheck op(String name) {
        return torch.check(name).tol(OpCheck.REDUCTION);
    }

    private static int[] dims(int... d) {
        return d;
    }

    // ---- sum and mean -----------------------------------------------------------------------------

    @Test
    void sumAll() {
        op("sum.all").python("x0.sum()").java(x -> x[0].sum()).inputs(randn(3, 5, 7)).run();
        op("sum.all.nc").python("x0.permute(2, 0, 1).sum()").java(x -> x[0].permute(2, 0, 1).sum()).inputs(randn(3, 5, 7)).run();
    }

    @Test
    void sumOneDim() {
        op("sum.d1").python("x0.sum(1)").java(x -> x[0].sum(1, false)).inputs(randn(3, 5, 7)).run();
        op("sum.d1.keep").python("x0.sum(1, keepdim=True)").java(x -> x[0].sum(1, true)).inputs(randn(3, 5, 7)).run();
        op("sum.dneg").python("x0.sum(-1)").java(x -> x[0].sum(-1, false)).inputs(randn(3, 5, 7)).run();
        op("sum.d0.nc").python("x0.t().sum(0)").java(x -> x[0].t().sum(0, false)).inputs(randn(7, 5)).run();
    }

    @Test
    void sumSeveralDims() {
        op("sum.d02").python("x0.sum((0, 2))").java(x -> x[0].sum(dims(0, 2), false)).inputs(randn(3, 5, 7)).run();
        op("sum.d20.keep").python("x0.sum((2, 0), keepdim=True)").java(x -> x[0].sum(dims(2, 0), true)).inputs(randn(3, 5, 7)).run();
        op("sum.d13.nc").python("x0[:, ::2, :, 1:].sum((1, 3))").java(x -> x[0].slice(1, 0, 5, 2).slice(3, 1, 4, 1).sum(dims(1, 3), false))
                .inputs(randn(2, 5, 3, 4)).run();
        // shifted positive: one scalar output has no larger neighbour to scale its error by, and a sum of 60 randn
        // values can cancel to ~1e-3 (seed 8216983078641: 0.0026, error 1.7e-4 relative from float rounding alone)
        op("sum.alldims.keep").python("(x0 + 3).sum((0, 1, 2), keepdim=True)").java(x -> x[0].add(3f).sum(dims(0, 1, 2), true)).inputs(randn(3, 4, 5)).run();
    }

    @Test
    void sumOverBroadcastDim() {
        // the expanded dim has stride 0: every element is read 6 times
        op("sum.expand").python("x0.expand(6, 5).sum(0)").java(x -> x[0].expand(6, 5).sum(0, false)).inputs(randn(1, 5)).run();
    }

    @Test
    void sumLarge() {
        // long enough to split across threads; double accumulation keeps 1e-4 easily
        op("sum.large").python("x0.sum(1)").java(x -> x[0].sum(1, false)).inputs(randn(9, 20001)).run();
    }

    @Test
    void mean() {
        op("mean.all").python("x0.mean()").java(x -> x[0].mean()).inputs(randn(3, 5, 7)).run();
        op("mean.d1").python("x0.mean(1)").java(x -> x[0].mean(1, false)).inputs(randn(3, 5, 7)).run();
        op("mean.d02.keep").python("x0.mean((0, 2), keepdim=True)").java(x -> x[0].mean(dims(0, 2), true)).inputs(randn(3, 5, 7)).run();
        op("mean.nc").python("x0.transpose(0, 2).mean((0, 1))").java(x -> x[0].transpose(0, 2).mean(dims(0, 1), false)).inputs(randn(3, 5, 7)).run();
    }

    // ---- var and std --------------------------------------------------------------------------------

    @Test
    void varCorrections() {
        op("var.all.c1").python("x0.var()").java(x -> Reductions.var(x[0], null, 1, false)).inputs(randn(5, 7)).run();
        op("var.all.c0").python("x0.var(unbiased=False)").java(x -> Reductions.var(x[0], null, 0, false)).inputs(randn(5, 7)).run();
        op("var.d1.c1").python("x0.var(1)").java(x -> Reductions.var(x[0], dims(1), 1, false)).inputs(randn(3, 5, 7)).run();
        op("var.d02.c0.keep").python("x0.var((0, 2), unbiased=False, keepdim=True)")
                .java(x -> Reductions.var(x[0], dims(0, 2), 0, true)).inputs(randn(3, 5, 7)).run();
        op("var.nc").python("x0.t().var(0)").java(x -> Reductions.var(x[0].t(), dims(0), 1, false)).inputs(randn(7, 5)).run();
    }

    @Test
    void stdCorrections() {
        op("std.all.c1").python("x0.std()").java(x -> Reductions.std(x[0], null, 1, false)).inputs(randn(5, 7)).run();
        op("std.d1.c0").python("x0.std(1, unbiased=False)").java(x -> Reductions.std(x[0], dims(1), 0, false)).inputs(randn(3, 5, 7)).run();
        op("std.d12.c1.keep.nc").python("x0.permute(2, 0, 1).std((1, 2), keepdim=True)")
                .java(x -> Reductions.std(x[0].permute(2, 0, 1), dims(1, 2), 1, true)).inputs(randn(3, 5, 7)).run();
    }

    // ---- max and min ---------------------------------------------------------------------------------

    @Test
    void maxMinAll() {
        op("max.all").python("x0.max()").java(x -> x[0].max()).inputs(randn(3, 5, 7)).run();
        op("min.all.nc").python("x0.t().min()").java(x -> x[0].t().min()).inputs(randn(5, 7)).run();
        // ties share the gradient equally
        op("max.all.ties").python("x0.max()").java(x -> x[0].max()).inputs(smallInts(0, 3, 4, 5)).run();
        op("min.all.ties").python("x0.min()").java(x -> x[0].min()).inputs(smallInts(0, 3, 4, 5)).run();
    }

    @Test
    void maxMinAlongDimValuesAndGradients() {
        op("max.d1").python("x0.max(1)").java(x -> Reductions.max(x[0], 1, false).values()).inputs(randn(3, 5, 7)).run();
        op("max.d0.keep").python("x0.max(0, keepdim=True)").java(x -> Reductions.max(x[0], 0, true).values()).inputs(randn(3, 5, 7)).run();
        op("min.dneg").python("x0.min(-1)").java(x -> Reductions.min(x[0], -1, false).values()).inputs(randn(3, 5, 7)).run();
        op("min.d1.nc").python("x0.permute(2, 0, 1).min(1)").java(x -> Reductions.min(x[0].permute(2, 0, 1), 1, false).values())
                .inputs(randn(3, 5, 7)).run();
        op("max.d1.strided").python("x0[:, ::2].max(1, keepdim=True)").java(x -> Reductions.max(x[0].slice(1, 0, 9, 2), 1, true).values())
                .inputs(randn(4, 9)).run();
    }

    @Test
    void maxMinAlongDimIndices() {
        op("max.d1.indices").python("x0.max(1).indices").java(x -> Reductions.max(x[0], 1, false).indices()).inputs(randn(3, 5, 7)).forwardOnly().run();
        op("max.d0.keep.indices").python("x0.max(0, keepdim=True).indices").java(x -> Reductions.max(x[0], 0, true).indices())
                .inputs(randn(3, 5, 7)).forwardOnly().run();
        op("min.d2.indices.nc").python("x0.transpose(1, 2).min(2).indices").java(x -> Reductions.min(x[0].transpose(1, 2), 2, false).indices())
                .inputs(randn(3, 5, 7)).forwardOnly().run();
    }

    @Test
    void maxAlongDimWithTiesPicksTheFirstAndRoutesTheGradientThere() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, 2, 5, 5, 0, 5}, 2, 4).requiresGrad(true);
        Reductions.ValuesIndices vi = Reductions.max(x, 1, false);
        assertArrayEquals(new long[] {1, 0}, vi.indices().toLongArray());
        vi.values().sum().backward();
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0, 0, 0}, x.grad().toFloatArray(), 0f);
        op("max.d1.ties").python("x0.max(1)").java(t -> Reductions.max(t[0], 1, false).values()).inputs(smallInts(0, 2, 3, 6)).run();
    }

    @Test
    void argmaxArgmin() {
        op("argmax.d1").python("x0.argmax(1)").java(x -> x[0].argmax(1, false)).inputs(randn(3, 5, 7)).forwardOnly().run();
        op("argmax.d2.keep").python("x0.argmax(2, keepdim=True)").java(x -> x[0].argmax(2, true)).inputs(randn(3, 5, 7)).forwardOnly().run();
        op("argmin.d0.nc").python("x0.t().argmin(0)").java(x -> x[0].t().argmin(0, false)).inputs(randn(5, 7)).forwardOnly().run();
        op("argmax.all").python("x0.argmax()").java(x -> Reductions.argmax(x[0])).inputs(randn(3, 5, 7)).forwardOnly().run();
        op("argmin.all.nc").python("x0.permute(1, 0).argmin()").java(x -> Reductions.argmin(x[0].permute(1, 0))).inputs(randn(5, 7)).forwardOnly().run();
    }

    @Test
    void amaxAmin() {
        op("amax.d1").python("x0.amax(1)").java(x -> Reductions.amax(x[0], dims(1), false)).inputs(randn(3, 5, 7)).run();
        op("amax.d02.keep").python("x0.amax((0, 2), keepdim=True)").java(x -> Reductions.amax(x[0], dims(0, 2), true)).inputs(randn(3, 5, 7)).run();
        op("amin.all").python("x0.amin((0, 1, 2))").java(x -> Reductions.amin(x[0], null, false)).inputs(randn(3, 5, 7)).run();
        op("amin.d1.nc").python("x0.t().amin(1)").java(x -> Reductions.amin(x[0].t(), dims(1), false)).inputs(randn(5, 7)).run();
        op("amax.ties").python("x0.amax(1)").java(x -> Reductions.amax(x[0], dims(1), false)).inputs(smallInts(0, 3, 4, 6)).run();
        op("amin.ties.keep").python("x0.amin((0, 1), keepdim=True)").java(x -> Reductions.amin(x[0], dims(0, 1), true)).inputs(smallInts(0, 3, 4, 6)).run();
    }

    // ---- composites ----------------------------------------------------------------------------------

    @Test
    void logsumexp() {
        op("logsumexp.d1").python("torch.logsumexp(x0, 1)").java(x -> Reductions.logsumexp(x[0], dims(1), false)).inputs(randn(3, 5, 7)).run();
        op("logsumexp.d02.keep").python("torch.logsumexp(x0, (0, 2), keepdim=True)").java(x -> Reductions.logsumexp(x[0], dims(0, 2), true))
                .inputs(randn(3, 5, 7)).run();
        op("logsumexp.large").python("torch.logsumexp(x0 * 50.0, -1)").java(x -> Reductions.logsumexp(x[0].mul(50f), dims(-1), false))
                .inputs(randn(4, 9)).run();
        op("logsumexp.nc").python("torch.logsumexp(x0.t(), 0)").java(x -> Reductions.logsumexp(x[0].t(), dims(0), false)).inputs(randn(5, 7)).run();
    }

    @Test
    void logsumexpOfAllMinusInfinityIsMinusInfinity() {
        Tensor x = Tensor.full(Float.NEGATIVE_INFINITY, 2, 3);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, Reductions.logsumexp(x, dims(1), false).toFloatArray(), 0f);
    }

    @Test
    void norms() {
        for (String p : new String[] {"1", "2", "3", "inf"}) {
            double pv = p.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(p);
            String ord = p.equals("inf") ? "float('inf')" : p + ".0";
            op("norm.p" + p + ".all").python("torch.linalg.vector_norm(x0, " + ord + ")").java(x -> Reductions.norm(x[0], pv, null, false))
                    .inputs(randn(3, 5, 7)).run();
            op("norm.p" + p + ".d1").python("torch.linalg.vector_norm(x0, " + ord + ", dim=1)").java(x -> Reductions.norm(x[0], pv, dims(1), false))
                    .inputs(randn(3, 5, 7)).run();
            op("norm.p" + p + ".d02.keep.nc").python("torch.linalg.vector_norm(x0.permute(1, 2, 0), " + ord + ", dim=(0, 2), keepdim=True)")
                    .java(x -> Reductions.norm(x[0].permute(1, 2, 0), pv, dims(0, 2), true)).inputs(randn(3, 5, 7)).run();
        }
    }

    @Test
    void normGradientAtAnAllZeroSliceIsZero() {
        for (double p : new double[] {1, 2, 3, 1.5, Double.POSITIVE_INFINITY}) {
            Tensor x = Tensor.of(new float[] {0, 0, 0, 1, -2, 0}, 2, 3).requiresGrad(true);
            Reductions.norm(x, p, dims(1), false).sum().backward();
            float[] g = x.grad().toFloatArray();
            for (int i = 0; i < 3; i++) assertEquals(0f, g[i], "p=" + p + " element " + i);
            for (float v : g) assertFalse(Float.isNaN(v), "p=" + p + ": NaN gradient " + java.util.Arrays.toString(g));
        }
        op("norm.p3.zero.rows").python("torch.linalg.vector_norm(x0, 3.0, dim=1)").java(x -> Reductions.norm(x[0], 3, dims(1), false))
                .inputs(values(new float[] {0, 0, 0, 1, -2, 0.5f}, 2, 3)).run();
    }

    // ---- finite differences -----------------------------------------------------------------------

    @Test
    void finiteDifferences() {
        Rng r = new Rng(11);
        GradCheck.check("var", x -> Reductions.var(x[0], dims(1), 1, false), 1, Tensor.randn(r, 3, 6));
        GradCheck.check("logsumexp", x -> Reductions.logsumexp(x[0], dims(0, 2), true), 2, Tensor.randn(r, 3, 2, 4));
        GradCheck.check("norm3", x -> Reductions.norm(x[0], 3, dims(1), false), 3, Tensor.randn(r, 4, 5));
        GradCheck.check("std.nc", x -> Reductions.std(x[0].t(), null, 0, false), 4, Tensor.randn(r, 4, 5));
    }

    // ---- errors -------------------------------------------------------------------------------------

    @Test
    void errors() {
        Tensor x = Tensor.zeros(2, 3);
        assertMessage(() -> x.sum(2, false), "sum", "dimension out of range");
        assertMessage(() -> x.sum(dims(1, -1), false), "sum", "multiple times");
        assertMessage(() -> Tensor.zeros(2, 0).max(), "expected a non-empty tensor");
        assertMessage(() -> Reductions.max(Tensor.zeros(2, 0), 1, false), "max", "zero-size", "[2, 0]");
        assertMessage(() -> Reductions.norm(x, -1, null, false), "norm", "p must be positive");
    }
}
