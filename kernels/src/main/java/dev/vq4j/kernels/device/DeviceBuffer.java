package dev.vq4j.kernels.device;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Buffer;
import dev.vq4j.core.DType;
import dev.vq4j.core.MemoryScope;

/**
 * Device memory of one tensor: a block from the backend's {@link CachingAllocator}. Closing (by
 * hand or by the enclosing {@link MemoryScope}) returns the block to the cache at once; a buffer the
 * program forgets without closing is returned when the garbage collector finds it unreachable.
 */
public final class DeviceBuffer implements Buffer {
    private final DeviceKernelBackend backend;
    private final DType dtype;
    private final int numel;
    private final Block block;

    /** The block, shared with the cleaner so a forgotten buffer is still released. */
    static final class Block implements Runnable {
        final CachingAllocator allocator;
        final long size;
        volatile Object handle;

        Block(CachingAllocator allocator, Object handle, long size) {
            this.allocator = allocator;
            this.handle = handle;
            this.size = size;
        }

        @Override
        public synchronized void run() {
            Object h = handle;
            if (h == null) return;
            handle = null;
            allocator.release(h, size);
        }
    }

    private final java.lang.ref.Cleaner.Cleanable cleanable;

    DeviceBuffer(DeviceKernelBackend backend, DType dtype, int numel, CachingAllocator allocator) {
        if (numel < 0) throw new IllegalArgumentException("negative buffer size " + numel);
        this.backend = backend;
        this.dtype = dtype;
        this.numel = numel;
        long bytes = Math.max(1L, (long) numel * dtype.byteSize());
        this.block = new Block(allocator, allocator.allocate(bytes), CachingAllocator.roundedSize(bytes));
        this.cleanable = DeviceKernelBackend.CLEANER.register(this, block);
        MemoryScope.track(this);
    }

    /** The API's handle (cl_mem, CUdeviceptr); throws if the buffer was closed. */
    public Object handle() {
        Object h = block.handle;
        if (h == null) throw new IllegalStateException("tensor memory on " + backend.device() + " was already released (its MemoryScope closed, or close() was called)");
        return h;
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

    public long bytes() {
        return (long) numel * dtype.byteSize();
    }

    @Override
    public boolean isClosed() {
        return block.handle == null;
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
