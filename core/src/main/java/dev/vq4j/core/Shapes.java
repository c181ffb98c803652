package dev.vq4j.core;

import java.util.Arrays;

/** Shape arithmetic shared by every layer: element counts, strides, broadcasting, dim wrapping. */
public final class Shapes {
    private Shapes() {}

    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            if (d == 0) n = 0;
        }
        if (n == 0) return 0; // [0, 2^31-1, 2^31-1] is empty, not too large
        for (int d : shape) {
            n *= d;
            if (n > Integer.MAX_VALUE)
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** True when the strides are the row-major strides of the shape (size-1 dims may have any stride). */
    public static boolean isContiguous(int[] shape, int[] strides) {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** Numpy/PyTorch broadcasting: align from the right, sizes must match or be 1. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Wraps a possibly negative dim into [0, rank), naming the op on error like PyTorch. */
    public static int wrapDim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r)
            throw new IndexOutOfBoundsException(op + ": dimension out of range (expected to be in range of ["
                    + (-r) + ", " + (r - 1) + "], but got " + dim + ")");
        return dim < 0 ? dim + r : dim;
    }

    /** PyTorch's way of printing a shape: {@code [8, 32, 16, 16]}. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
