package dev.vq4j.kernels.device;

/** The device has no room for an allocation, even after the caching allocator returned its free blocks. */
public class DeviceOutOfMemoryError extends RuntimeException {
    public DeviceOutOfMemoryError(String message) {
        super(message);
    }
}
