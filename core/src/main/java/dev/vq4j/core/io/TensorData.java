package dev.vq4j.core.io;

import dev.vq4j.core.DType;
import dev.vq4j.core.Shapes;

/**
 * A tensor's values on the host, as files hold them: dtype, shape and a row-major array
 * ({@code float[]} for FLOAT32, {@code int[]} for INT32, {@code long[]} for INT64, {@code boolean[]} for BOOL).
 */
public record TensorData(DType dtype, int[] shape, Object data) {

    public TensorData {
        int n = Shapes.numel(shape);
        int len = switch (data) {
            case float[] a -> check(dtype, DType.FLOAT32, a.length);
            case int[] a -> check(dtype, DType.INT32, a.length);
            case long[] a -> check(dtype, DType.INT64, a.length);
            case boolean[] a -> check(dtype, DType.BOOL, a.length);
            default -> throw new IllegalArgumentException("unsupported array type " + data.getClass().getSimpleName());
        };
        if (len != n)
            throw new IllegalArgumentException("shape " + Shapes.str(shape) + " needs " + n + " elements, array has " + len);
        shape = shape.clone();
    }

    private static int check(DType declared, DType actual, int length) {
        if (declared != actual) throw new IllegalArgumentException("dtype " + declared + " does not match a " + actual + " array");
        return length;
    }

    public static TensorData of(float[] data, int... shape) {
        return new TensorData(DType.FLOAT32, shape, data);
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    public float[] floats() {
        return (float[]) data;
    }

    public long[] longs() {
        return (long[]) data;
    }
}
