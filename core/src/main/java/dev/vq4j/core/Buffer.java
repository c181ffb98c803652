package dev.vq4j.core;

/**
 * A block of memory owned by one backend: a Java array for host backends, a device pointer for GPU
 * backends. Buffers are released deterministically with {@link #close()} (directly, or by the
 * {@link MemoryScope} they were allocated in); using a closed buffer is an error, never a crash.
 */
public interface Buffer extends AutoCloseable {
    Backend backend();

    DType dtype();

    /** Number of elements (not bytes). */
    int numel();

    boolean isClosed();

    /** Releases the memory. Idempotent. */
    @Override
    void close();
}
