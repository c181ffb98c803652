package dev.vq4j.cuda;

import dev.vq4j.core.Device;
import dev.vq4j.kernels.device.DeviceApi;
import dev.vq4j.kernels.device.DeviceBuffer;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Kernel arguments as {@code cuLaunchKernel} wants them: one pointer per parameter, to the
 * parameter's value in host memory. {@link #values} turns {@link DeviceApi}'s argument objects into
 * those values (and checks them against the kernel's PTX parameter list: count, size, and float
 * versus integer, which CUDA does not check); {@link #kernelParams} wraps them in JCuda pointers.
 * Neither touches the driver, so both are tested without a GPU.
 */
final class CudaArgs {
    private CudaArgs() {}

    /**
     * The host value behind each parameter: a {@link CUdeviceptr} for a buffer (a null one for
     * {@link DeviceApi#NO_BUFFER}), {@code int[1]}, {@code long[1]}, {@code float[1]}, {@code byte[1]},
     * or a {@link ByteBuffer} holding a struct passed by value.
     *
     * @param device    the device the kernel runs on: a buffer of another device is refused
     * @param signature the kernel's parameters as read from the PTX, or null to skip those checks
     */
    static Object[] values(String kernel, Device device, List<CudaPtx.Param> signature, Object[] args) {
        if (signature != null && signature.size() != args.length)
            throw new IllegalArgumentException("kernel " + kernel + " takes " + signature.size() + " arguments " + signature
                    + ", the launch passed " + args.length);
        Object[] values = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            CudaPtx.Param p = signature == null ? null : signature.get(i);
            values[i] = switch (a) {
                case DeviceBuffer b -> {
                    expect(kernel, i, a, p, CudaPtx.Kind.U64, 8);
                    if (!b.backend().device().equals(device))
                        throw new IllegalArgumentException("kernel " + kernel + ": argument " + i + " is a tensor on "
                                + b.backend().device() + ", the kernel runs on " + device);
                    if (!(b.handle() instanceof CUdeviceptr ptr))
                        throw new IllegalArgumentException("kernel " + kernel + ": argument " + i + " is not CUDA memory");
                    yield ptr;
                }
                case Integer v -> {
                    expect(kernel, i, a, p, CudaPtx.Kind.U32, 4);
                    yield new int[] {v};
                }
                case Long v -> {
                    expect(kernel, i, a, p, CudaPtx.Kind.U64, 8);
                    yield new long[] {v};
                }
                case Float v -> {
                    expect(kernel, i, a, p, CudaPtx.Kind.F32, 4);
                    yield new float[] {v};
                }
                case Byte v -> {
                    expect(kernel, i, a, p, CudaPtx.Kind.U8, 1);
                    yield new byte[] {v};
                }
                case ByteBuffer s -> {
                    expect(kernel, i, a, p, CudaPtx.Kind.STRUCT, s.remaining());
                    yield s.slice();
                }
                case null -> throw new IllegalArgumentException("kernel " + kernel + ": argument " + i
                        + " is null (pass DeviceApi.NO_BUFFER for an absent tensor)");
                default -> {
                    if (a != DeviceApi.NO_BUFFER)
                        throw new IllegalArgumentException("kernel " + kernel + ": unsupported argument " + i + " of type " + a.getClass().getName());
                    expect(kernel, i, a, p, CudaPtx.Kind.U64, 8);
                    yield new CUdeviceptr();
                }
            };
        }
        return values;
    }

    private static void expect(String kernel, int i, Object arg, CudaPtx.Param p, CudaPtx.Kind kind, int bytes) {
        if (p == null || (p.kind() == kind && p.bytes() == bytes)) return;
        String given = arg instanceof ByteBuffer s ? "a struct of " + s.remaining() + " bytes"
                : arg == DeviceApi.NO_BUFFER ? "NO_BUFFER (a pointer)"
                : arg instanceof DeviceBuffer ? "a tensor (a pointer)" : arg.getClass().getSimpleName() + " " + arg;
        throw new IllegalArgumentException("kernel " + kernel + ": parameter " + i + " is " + p + " in the PTX, the launch passed " + given);
    }

    /** {@code void** kernelParams}: a pointer to an array of pointers, one to each value. */
    static Pointer kernelParams(Object[] values) {
        NativePointerObject[] ps = new NativePointerObject[values.length];
        for (int i = 0; i < values.length; i++) {
            ps[i] = switch (values[i]) {
                case CUdeviceptr d -> Pointer.to(d);
                case int[] v -> Pointer.to(v);
                case long[] v -> Pointer.to(v);
                case float[] v -> Pointer.to(v);
                case byte[] v -> Pointer.to(v);
                case ByteBuffer s -> Pointer.toBuffer(s);
                default -> throw new IllegalArgumentException("not a kernel parameter value: " + values[i]);
            };
        }
        return Pointer.to(ps);
    }
}
