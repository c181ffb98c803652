package dev.vq4j.kernels;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Buffer;
import dev.vq4j.core.DType;
import dev.vq4j.core.MemoryScope;

/**
 * Host memory for the reference and cpu backends: one Java array per buffer. Closing drops the
 * array so that a use after close fails loudly instead of reading stale data.
 */
public final class HostBuffer implements Buffer {
    private final Backend backend;
    private final DType dtype;
    private final int numel;
    private Object array;

    private HostBuffer(Backend backend, DType dtype, Object array, int numel) {
        this.backend = backend;
        this.dtype = dtype;
        this.array = array;
        this.numel = numel;
        MemoryScope.track(this);
    }

    public static HostBuffer allocate(Backend backend, DType dtype, int numel) {
        if (numel < 0) throw new IllegalArgumentException("negative buffer size " + numel);
        Object array = switch (dtype) {
            case FLOAT32 -> new float[numel];
            case INT32 -> new int[numel];
            case INT64 -> new long[numel];
            case BOOL -> new boolean[numel];
        };
        return new HostBuffer(backend, dtype, array, numel);
    }

    /** Wraps (does not copy) a host array. */
    public static HostBuffer wrap(Backend backend, Object array) {
        return switch (array) {
            case float[] a -> new HostBuffer(backend, DType.FLOAT32, a, a.length);
            case int[] a -> new HostBuffer(backend, DType.INT32, a, a.length);
            case long[] a -> new HostBuffer(backend, DType.INT64, a, a.length);
            case boolean[] a -> new HostBuffer(backend, DType.BOOL, a, a.length);
            case null -> throw new NullPointerException("host array is null");
            default -> throw new IllegalArgumentException("unsupported host array type " + array.getClass().getSimpleName()
                    + " (expected float[], int[], long[] or boolean[])");
        };
    }

    private Object live() {
        Object a = array;
        if (a == null) throw new IllegalStateException("tensor memory was already released (its MemoryScope closed, or close() was called)");
        return a;
    }

    public float[] floats() {
        return (float[]) live();
    }

    public int[] ints() {
        return (int[]) live();
    }

    public long[] longs() {
        return (long[]) live();
    }

    public boolean[] bools() {
        return (boolean[]) live();
    }

    public Object array() {
        return live();
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int numel() {
        return numel;
    }

    @Override
    public boolean isClosed() {
        return array == null;
    }

    @Override
    public void close() {
        array = null;
    }
}
