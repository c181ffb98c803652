package dev.vq4j.core;

import java.util.Arrays;

/**
 * How a kernel sees a tensor: a buffer plus shape, strides (in elements, 0 for broadcast
 * dimensions) and an element offset. Element {@code (i0, i1, ...)} lives at
 * {@code offset + i0*strides[0] + i1*strides[1] + ...}.
 */
public record View(Buffer buffer, int[] shape, int[] strides, int offset) {

    public View {
        if (shape.length != strides.length)
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(strides) + " differ in rank");
    }

    /** A contiguous row-major view over the whole buffer with the given shape. */
    public static View contiguous(Buffer buffer, int... shape) {
        return new View(buffer, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    public DType dtype() {
        return buffer.dtype();
    }

    public boolean isContiguous() {
        return Shapes.isContiguous(shape, strides);
    }

    @Override
    public String toString() {
        return "View" + Arrays.toString(shape) + " strides " + Arrays.toString(strides) + " +" + offset;
    }
}
