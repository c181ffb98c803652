package dev.vq4j.autograd;

import dev.vq4j.autograd.oracle.GradCheck;
import dev.vq4j.autograd.oracle.OpCheck;
import dev.vq4j.autograd.oracle.TorchParityTest;
import dev.vq4j.core.Rng;
import org.junit.jupiter.api.Test;

import static dev.vq4j.autograd.ElementwiseParityTest.assertMessage;
import static dev.vq4j.autograd.oracle.Input.*;
import static org.junit.jupiter.api.Assertions.*;

/** matmul (every rank combination, batch broadcasting, transposed operands), bmm and linear against PyTorch within 1e-4. */
class LinearAlgebraParityTest extends TorchParityTest {
    private static OpCheck op(String name) {
        return torch.check(name).tol(OpCheck.REDUCTION);
    }

    @Test
    void vectorVector() {
        op("matmul.1d1d").python("x0 @ x1").java(x -> x[0].matmul(x[1])).inputs(randn(7), randn(7)).run();
        op("matmul.1d1d.strided").python("x0[::2] @ x1[1::3]").java(x -> x[0].slice(0, 0, 9, 2).matmul(x[1].slice(0, 1, 15, 3)))
                .inputs(randn(9), randn(15)).run();
    }

    @Test
    void vectorMatrix() {
        op("matmul.1d2d").python("x0 @ x1").java(x -> x[0].matmul(x[1])).inputs(randn(5), randn(5, 3)).run();
        op("matmul.1d3d").python("x0 @ x1").java(x -> x[0].matmul(x[1])).inputs(randn(5), randn(2, 5, 3)).run();
    }

    @Test
    void matrixVector() {
        op("matmul.2d1d").python("x0 @ x1").java(x -> x[0].matmul(x[1])).inputs(randn(4, 5), randn(5)).run();
        op("matmul.3d1d.nc").python("x0.transpose(1, 2) @ x1").java(x -> x[0].transpose(1, 2).matmul(x[1])).inputs(randn(2, 5, 4), randn(5)).run();
    }

    @Test
    void matrixMatrix() {
        op("matmul.2d2d").python("x0 @ x1").java(x -> x[0].matmul(x[1])).inputs(randn(3, 7), randn(7, 5)).run();
        op("matmul.2d2d.large").python("x0 @ x1").java(x -> x[0].matmul(x[1])).inputs(randn(33, 65), randn(65, 17)).run();
    }

    @Test
    void transposedOperands() {
        op("matmul.tA").python("x0.t() @ x1").java(x -> x[0].t().matmul(x[1])).inputs(randn(7, 3), randn(7, 5)).run();
        op("matmul.tB").python("x0 @ x1.t()").java(x -> x[0].matmul(x[1].t())).inputs(randn(3, 7), randn(5, 7)).run();
        op("matmul.tAB").python("x0.t() @ x1.t()").java(x -> x[0].t().matmul(x[1].t())).inputs(randn(7, 3), randn(5, 7)).run();
        op("matmul.sliced").python("x0[:, 1::2] @ x1[::2]").java(x -> x[0].slice(1, 1, 9, 2).matmul(x[1].slice(0, 0, 7, 2)))
                .inputs(randn(3, 9), randn(7, 4)).run();
    }

    @Test
    void batchedWithBroadcasting() {
        op("matmul.bcast").python("x0 @ x1").java(x -> x[0].matmul(x[1])).inputs(randn(2, 1, 3, 4), randn(5, 4, 6)).run();
        op("matmul.bcast.2d").python("x0 @ x1").java(x -> x[0].matmul(x[1])).inputs(randn(2, 3, 3, 4), randn(4, 6)).run();
        op("matmul.bcast.2d.left").python("x0 @ x1").java(x -> x[0].matmul(x[1])).inputs(randn(3, 4), randn(2, 5, 4, 6)).run();
        op("matmul.bcast.nc").python("x0.transpose(-1, -2) @ x1.permute(1, 0, 2)")
                .java(x -> x[0].transpose(-1, -2).matmul(x[1].permute(1, 0, 2))).inputs(randn(2, 1, 4, 3), randn(4, 5, 6)).run();
    }

    @Test
    void bmm() {
        op("bmm").python("torch.bmm(x0, x1)").java(x -> LinearAlgebra.bmm(x[0], x[1])).inputs(randn(3, 4, 5), randn(3, 5, 2)).run();
        op("bmm.nc").python("torch.bmm(x0.transpose(1, 2), x1.transpose(0, 1))")
                .java(x -> LinearAlgebra.bmm(x[0].transpose(1, 2), x[1].transpose(0, 1))).inputs(randn(3, 5, 4), randn(5, 3, 2)).run();
    }

    @Test
    void linear() {
        op("linear.bias").python("F.linear(x0, x1, x2)").java(x -> LinearAlgebra.linear(x[0], x[1], x[2]))
                .inputs(randn(4, 7), randn(5, 7), randn(5)).run();
        op("linear.nobias.3d").python("F.linear(x0, x1)").java(x -> LinearAlgebra.linear(x[0], x[1], null))
                .inputs(randn(2, 3, 7), randn(5, 7)).run();
        op("linear.1d").python("F.linear(x0, x1, x2)").java(x -> LinearAlgebra.linear(x[0], x[1], x[2])).inputs(randn(7), randn(5, 7), randn(5)).run();
        op("linear.nc").python("F.linear(x0.t(), x1, x2)").java(x -> LinearAlgebra.linear(x[0].t(), x[1], x[2]))
                .inputs(randn(7, 4), randn(5, 7), randn(5)).run();
    }

    @Test
    void sharedOperandGradientsSum() {
        op("matmul.self").python("x0 @ x0.t()").java(x -> x[0].matmul(x[0].t())).inputs(randn(4, 6)).run();
    }

    @Test
    void finiteDifferences() {
        Rng r = new Rng(5);
        GradCheck.check("matmul.bcast", x -> x[0].matmul(x[1]), 1, Tensor.randn(r, 2, 1, 3, 4), Tensor.randn(r, 5, 4, 2));
        GradCheck.check("linear", x -> LinearAlgebra.linear(x[0], x[1], x[2]), 2, Tensor.randn(r, 3, 4), Tensor.randn(r, 2, 4), Tensor.randn(r, 2));
    }

    @Test
    void shapesAndErrors() {
        assertArrayEquals(new int[0], Tensor.zeros(3).matmul(Tensor.zeros(3)).shape());
        assertArrayEquals(new int[] {2, 5, 3, 6}, Tensor.zeros(2, 1, 3, 4).matmul(Tensor.zeros(5, 4, 6)).shape());
        assertMessage(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)), "matmul", "2x3 and 4x5");
        assertMessage(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(5, 4, 2)), "matmul", "cannot be broadcast");
        assertMessage(() -> Tensor.scalar(1f).matmul(Tensor.zeros(3)), "matmul", "at least 1D");
        assertMessage(() -> LinearAlgebra.bmm(Tensor.zeros(2, 3, 4), Tensor.zeros(3, 4, 5)), "bmm", "[2, 3, 4]", "[3, 4, 5]");
        assertMessage(() -> LinearAlgebra.bmm(Tensor.zeros(3, 4), Tensor.zeros(4, 5)), "bmm", "3-D");
        assertMessage(() -> LinearAlgebra.linear(Tensor.zeros(2, 3), Tensor.zeros(5, 4), null), "linear", "[2, 3]", "[5, 4]");
        assertMessage(() -> LinearAlgebra.linear(Tensor.zeros(2, 4), Tensor.zeros(5, 4), Tensor.zeros(3)), "add", "[3]");
    }
}
