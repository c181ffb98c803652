package dev.vq4j.kernels.device;

import java.nio.ByteBuffer;

/**
 * What a GPU API must provide for {@link DeviceKernelBackend}: raw memory, copies, and launching a
 * kernel by name from the shared kernel sources ({@code dev/vq4j/kernels/device/*.cl}). OpenCL
 * (JOCL) and CUDA (JCuda driver API) each implement it in their own module; every op is written
 * once above this line.
 *
 * <p>Launch geometry follows OpenCL's NDRange: {@code global[d]} work items in total along
 * dimension d, in groups of {@code local[d]}; {@code global[d]} is always a multiple of
 * {@code local[d]} (callers round up and kernels guard their bounds). A CUDA implementation maps
 * it to a grid of {@code global[d] / local[d]} blocks of {@code local[d]} threads.
 *
 * <p>Kernel arguments, in order: {@link DeviceBuffer} (or {@link #NO_BUFFER}), {@link Integer},
 * {@link Long}, {@link Float}, or a {@link ByteBuffer} passed by value as a struct (see {@link Strided}).
 */
public interface DeviceApi extends AutoCloseable {
    /** A null pointer argument, for optional tensors a kernel is told are absent. */
    Object NO_BUFFER = new Object() {
        @Override
        public String toString() {
            return "NO_BUFFER";
        }
    };

    /** The API's name as in device specs: {@code opencl} or {@code cuda}. */
    String type();

    /** One line: platform, device, driver. */
    String describe();

    /** Device memory in bytes, as the driver reports it. */
    long totalMemory();

    /** A new block of at least {@code bytes}; throws {@link DeviceOutOfMemoryError} when the device is full. */
    Object malloc(long bytes);

    void free(Object handle);

    /** Sets {@code bytes} bytes from {@code offset} to zero. */
    void zero(Object handle, long offset, long bytes);

    /** Copies {@code src.remaining()} bytes to the block at {@code offset} (blocking). */
    void write(Object handle, long offset, ByteBuffer src);

    /** Fills {@code dst.remaining()} bytes from the block at {@code offset} (blocking). */
    void read(Object handle, long offset, ByteBuffer dst);

    /** Copies between two blocks on the device. */
    void copy(Object src, long srcOffset, Object dst, long dstOffset, long bytes);

    /** Enqueues a kernel; errors (unknown kernel, bad arguments, launch failure) throw with the API's message. */
    void launch(String kernel, long[] global, long[] local, Object... args);

    /** Waits for everything enqueued. */
    void finish();

    @Override
    void close();
}
