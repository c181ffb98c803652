package dev.vq4j.kernels.device;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps freed device blocks for reuse, as PyTorch's CUDA caching allocator does in spirit: a
 * training step allocates the same sizes every time, so after the first step every request is met
 * from the cache and the driver is not called. Sizes are rounded up (512 B granules below 1 MiB,
 * 1 MiB granules above) and a request is served by a cached block of exactly its rounded size.
 * When the driver reports the device full, the cache is returned to it and the request retried.
 * Not thread-safe on its own; {@link DeviceKernelBackend} serialises access.
 */
public final class CachingAllocator {
    private static final long SMALL = 512, LARGE = 1 << 20;

    private final DeviceApi api;
    private final Map<Long, ArrayDeque<Object>> free = new HashMap<>();
    private long bytesInUse, bytesCached, bytesFromDriver, peakInUse, driverAllocations;

    public CachingAllocator(DeviceApi api) {
        this.api = api;
    }

    /** The size a request of {@code bytes} is rounded to. */
    public static long roundedSize(long bytes) {
        long granule = bytes < LARGE ? SMALL : LARGE;
        return Math.max(granule, (bytes + granule - 1) / granule * granule);
    }

    /** A block of at least {@code bytes}; its rounded size is {@link #roundedSize}. */
    public synchronized Object allocate(long bytes) {
        long size = roundedSize(bytes);
        ArrayDeque<Object> list = free.get(size);
        Object handle = list == null ? null : list.poll();
        if (handle != null) {
            bytesCached -= size;
        } else {
            try {
                handle = api.malloc(size);
            } catch (DeviceOutOfMemoryError full) {
                emptyCache();
                handle = api.malloc(size);
            }
            bytesFromDriver += size;
            driverAllocations++;
        }
        bytesInUse += size;
        peakInUse = Math.max(peakInUse, bytesInUse);
        return handle;
    }

    /** Returns a block of (rounded) {@code size} bytes to the cache. */
    public synchronized void release(Object handle, long size) {
        free.computeIfAbsent(size, s -> new ArrayDeque<>()).push(handle);
        bytesInUse -= size;
        bytesCached += size;
    }

    /** Frees every cached block back to the driver. */
    public synchronized void emptyCache() {
        for (Map.Entry<Long, ArrayDeque<Object>> e : free.entrySet()) {
            for (Object h : e.getValue()) {
                api.free(h);
                bytesFromDriver -= e.getKey();
            }
        }
        free.clear();
        bytesCached = 0;
    }

    public synchronized MemoryStats stats() {
        return new MemoryStats(bytesInUse, bytesCached, bytesFromDriver, peakInUse, driverAllocations);
    }

    /**
     * Allocator counters: bytes held by live tensors, bytes cached for reuse, bytes currently taken
     * from the driver (in use + cached), the peak of in-use bytes, and how many times the driver was asked.
     */
    public record MemoryStats(long bytesInUse, long bytesCached, long bytesFromDriver, long peakBytesInUse, long driverAllocations) {}
}
