package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Backend;
import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.Rng;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.View;
import dev.vq4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static dev.vq4j.kernels.TestViews.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Vectorised unary and binary maps against the reference, on lengths that leave lane tails, lengths that
 * span several parallel chunks, scalar and row broadcasts, and a transposed operand (reference fallback).
 */
class CpuElementwiseTest {
    private final Backend ref = new ReferenceBackend();
    private final Backend cpu = new CpuBackend();
    private static final int[] LENGTHS = {1, 7, 16, 17, 31, 1000, 20_001};

    @Test
    void unaryMaps() {
        Rng rng = new Rng(1);
        UnaryOp[] ops = {UnaryOp.EXP, UnaryOp.SILU, UnaryOp.SILU_GRAD, UnaryOp.RELU, UnaryOp.MUL_SCALAR, UnaryOp.ADD_SCALAR,
                UnaryOp.NEG, UnaryOp.SQUARE, UnaryOp.SIGMOID, UnaryOp.TANH, UnaryOp.GELU, UnaryOp.GELU_GRAD};
        for (UnaryOp op : ops)
            for (int n : LENGTHS) {
                View x = randn(ref, rng, n);
                scaleBy(x, 4f); // reach the saturating parts of sigmoid / silu
                View r = nans(ref, n), c = nans(ref, n);
                ref.unary(op, x, r, 1.75f, 0f);
                cpu.unary(op, x, c, 1.75f, 0f);
                assertClose(op + " n" + n, r, c, 1e-5);
            }
    }

    @Test
    void binaryMapsAreBitExact() {
        Rng rng = new Rng(2);
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV})
            for (int n : LENGTHS) {
                View a = randn(ref, rng, 3, n), b = randn(ref, rng, 3, n);
                compare(op, a, b, 3, n);
                View one = randn(ref, rng, 1);
                View scalar = new View(one.buffer(), new int[] {3, n}, new int[] {0, 0}, 0);
                compare(op, a, scalar, 3, n);
                compare(op, scalar, b, 3, n);
                View column = randn(ref, rng, 3, 1); // broadcast along the last dim
                compare(op, a, new View(column.buffer(), new int[] {3, n}, new int[] {1, 0}, 0), 3, n);
                View row = randn(ref, rng, n); // broadcast along the first dim
                compare(op, new View(row.buffer(), new int[] {3, n}, new int[] {0, 1}, 0), b, 3, n);
                compare(op, randnSwapped(ref, rng, 0, 1, 3, n), b, 3, n);
            }
    }

    private void compare(BinaryOp op, View a, View b, int rows, int n) {
        View r = nans(ref, rows, n), c = nans(ref, rows, n);
        ref.binary(op, a, b, r);
        cpu.binary(op, a, b, c);
        assertArrayEquals(values(r), values(c), op + " " + a + " " + b);
    }

    private static void scaleBy(View v, float s) {
        float[] a = ((dev.vq4j.kernels.HostBuffer) v.buffer()).floats();
        for (int i = 0; i < a.length; i++) a[i] *= s;
    }
}
