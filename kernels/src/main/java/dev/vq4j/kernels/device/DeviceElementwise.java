package dev.vq4j.kernels.device;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.View;

import java.util.EnumSet;
import java.util.Set;

/** fill, copy (any dtype pair), unary and binary maps with broadcasting, where: elementwise.cl. */
final class DeviceElementwise {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.COPY, Kernel.FILL, Kernel.UNARY, Kernel.BINARY, Kernel.WHERE);

    private DeviceElementwise() {}

    static String suffix(DType t) {
        return switch (t) {
            case FLOAT32 -> "f32";
            case INT32 -> "i32";
            case INT64 -> "i64";
            case BOOL -> "u8";
        };
    }

    static boolean fill(DeviceKernelBackend be, View dst, double value) {
        Object v = switch (dst.dtype()) {
            case FLOAT32 -> (float) value;
            case INT32 -> (int) value;
            case INT64 -> (long) value;
            case BOOL -> (byte) (value != 0 ? 1 : 0);
        };
        be.launch1d("fill_" + suffix(dst.dtype()), dst.numel(), be.arg(dst), Strided.of(dst), v, dst.numel());
        return true;
    }

    static boolean copy(DeviceKernelBackend be, View src, View dst) {
        if (src.isContiguous() && dst.isContiguous() && src.dtype() == dst.dtype()) {
            long size = src.dtype().byteSize();
            if (src.numel() > 0)
                be.api().copy(be.deviceBuffer(src).handle(), src.offset() * size, be.deviceBuffer(dst).handle(), dst.offset() * size, src.numel() * size);
            return true;
        }
        be.launch1d("copy_" + suffix(src.dtype()) + "_" + suffix(dst.dtype()), dst.numel(),
                be.arg(src), Strided.of(src), be.arg(dst), Strided.of(dst), dst.numel());
        return true;
    }

    static boolean unary(DeviceKernelBackend be, UnaryOp op, View x, View out, float a, float b) {
        if (x.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32) return false;
        be.launch1d("unary_f32", out.numel(), be.arg(x), Strided.of(x), be.arg(out), Strided.of(out), op.ordinal(), a, b, out.numel());
        return true;
    }

    static boolean binary(DeviceKernelBackend be, BinaryOp op, View a, View b, View out) {
        String kernel;
        if (a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32) kernel = out.dtype() == DType.BOOL ? "compare_f32" : "binary_f32";
        else if (a.dtype() == DType.BOOL && b.dtype() == DType.BOOL && out.dtype() == DType.BOOL) kernel = "binary_u8";
        else return false;
        if (kernel.equals("binary_f32") && out.dtype() != DType.FLOAT32) return false;
        be.launch1d(kernel, out.numel(), be.arg(a), Strided.of(a), be.arg(b), Strided.of(b), be.arg(out), Strided.of(out), op.ordinal(), out.numel());
        return true;
    }

    static boolean where(DeviceKernelBackend be, View cond, View a, View b, View out) {
        if (cond.dtype() != DType.BOOL || a.dtype() != DType.FLOAT32 || b.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32) return false;
        be.launch1d("where_f32", out.numel(), be.arg(cond), Strided.of(cond), be.arg(a), Strided.of(a), be.arg(b), Strided.of(b),
                be.arg(out), Strided.of(out), out.numel());
        return true;
    }
}
