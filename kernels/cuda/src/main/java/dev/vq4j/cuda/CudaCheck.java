package dev.vq4j.cuda;

import dev.vq4j.kernels.device.DeviceOutOfMemoryError;
import jcuda.CudaException;
import jcuda.driver.CUresult;

import java.util.function.IntSupplier;

/**
 * Every driver call goes through {@link #check}: JCuda throws on an error (exceptions are
 * enabled), and a returned code other than {@code CUDA_SUCCESS} is checked as well; either way the
 * error names the call. {@code CUDA_ERROR_OUT_OF_MEMORY} becomes a {@link DeviceOutOfMemoryError}
 * so the caching allocator can free its cache and retry.
 */
final class CudaCheck {
    private CudaCheck() {}

    /** Runs one driver call; {@code call} names it in the error, e.g. {@code "cuMemAlloc(4096 bytes)"}. */
    static void check(String call, IntSupplier driverCall) {
        int result;
        try {
            result = driverCall.getAsInt();
        } catch (CudaException e) {
            throw failure(call, e.getMessage(), e);
        }
        if (result != CUresult.CUDA_SUCCESS) throw failure(call, CUresult.stringFor(result), null);
    }

    /** The error for a failed call; the code is CUresult's name, e.g. {@code CUDA_ERROR_INVALID_VALUE}. */
    static RuntimeException failure(String call, String code, Throwable cause) {
        String message = "CUDA " + call + " failed: " + code;
        if (code != null && code.startsWith("CUDA_ERROR_OUT_OF_MEMORY")) return new DeviceOutOfMemoryError(message);
        return new CudaCallException(message, cause);
    }

    /** A driver call that failed: the call, its arguments where they help, and the driver's error code. */
    static final class CudaCallException extends IllegalStateException {
        CudaCallException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
