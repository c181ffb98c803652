package dev.vq4j.kernels.device;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DeviceApi} without a device, for tests of the shared backend's dispatch: memory is real
 * (heap byte buffers, so uploads, downloads, device-to-device copies and the host fallback work and
 * give real results), but a kernel launch only records the kernel's name; nothing runs.
 */
public final class HostMemoryApi implements DeviceApi {
    /** Every kernel launched, in order. */
    public final List<String> launched = new ArrayList<>();
    /** Device-to-device copies made (the copy kernel's contiguous path uses the API's copy, not a launch). */
    public int deviceCopies;

    @Override public String type() { return "test"; }
    @Override public String describe() { return "host memory, kernels recorded, not run"; }
    @Override public long totalMemory() { return 1L << 30; }

    @Override
    public Object malloc(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    @Override public void free(Object handle) { }

    @Override
    public void zero(Object handle, long offset, long bytes) {
        ByteBuffer b = (ByteBuffer) handle;
        for (long i = 0; i < bytes && offset + i < b.capacity(); i++) b.put((int) (offset + i), (byte) 0);
    }

    @Override
    public void write(Object handle, long offset, ByteBuffer src) {
        ((ByteBuffer) handle).put((int) offset, src.duplicate(), src.position(), src.remaining());
    }

    @Override
    public void read(Object handle, long offset, ByteBuffer dst) {
        ByteBuffer d = dst.duplicate();
        d.put(d.position(), (ByteBuffer) handle, (int) offset, d.remaining());
    }

    @Override
    public void copy(Object src, long srcOffset, Object dst, long dstOffset, long bytes) {
        deviceCopies++;
        ((ByteBuffer) dst).put((int) dstOffset, (ByteBuffer) src, (int) srcOffset, (int) bytes);
    }

    @Override
    public void launch(String kernel, long[] global, long[] local, Object... args) {
        launched.add(kernel);
    }

    @Override public void finish() { }
    @Override public void close() { }
}
