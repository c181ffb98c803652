package dev.vq4j.kernels.device;

import dev.vq4j.core.View;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A view's geometry passed to a kernel by value, as the struct {@code Strided} of
 * {@code common.h}: {@code int rank, offset; int shape[8], strides[8]} (72 bytes, no padding).
 * Kernels turn a row-major linear index into an element offset with {@code strided_at}.
 */
public final class Strided {
    public static final int MAX_RANK = 8;
    public static final int BYTES = 4 * (2 + 2 * MAX_RANK);

    private Strided() {}

    public static ByteBuffer of(View v) {
        return of(v.shape(), v.strides(), v.offset());
    }

    public static ByteBuffer of(int[] shape, int[] strides, int offset) {
        if (shape.length > MAX_RANK)
            throw new IllegalArgumentException("device kernels take tensors of rank <= " + MAX_RANK + ", got rank " + shape.length);
        ByteBuffer b = ByteBuffer.allocateDirect(BYTES).order(ByteOrder.nativeOrder());
        b.putInt(shape.length).putInt(offset);
        for (int i = 0; i < MAX_RANK; i++) b.putInt(i < shape.length ? shape[i] : 1);
        for (int i = 0; i < MAX_RANK; i++) b.putInt(i < strides.length ? strides[i] : 0);
        return b.flip();
    }
}
