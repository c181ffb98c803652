package dev.vq4j.kernels.device;

import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.PadMode;
import dev.vq4j.core.Pool2dParams;
import dev.vq4j.core.UpsampleMode;
import dev.vq4j.core.View;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Set;

/**
 * Pooling, upsampling, padding and their adjoints (pool.cl), on float views with any strides. The
 * adjoints are gathers (one work item per gradIn element), so they are deterministic. Falls back only
 * for other dtypes, views of rank below 2 (pool, upsample), and reflect/replicate pads the reference
 * itself rejects (a reflect pad of at least the dim's size, an empty padded dim).
 */
final class DevicePool {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.MAX_POOL2D, Kernel.AVG_POOL2D, Kernel.AVG_POOL2D_BACKWARD,
            Kernel.UPSAMPLE2D, Kernel.UPSAMPLE2D_BACKWARD, Kernel.PAD, Kernel.PAD_BACKWARD);

    private DevicePool() {}

    private static boolean floats(View a, View b) {
        return a.dtype() == DType.FLOAT32 && b.dtype() == DType.FLOAT32 && a.rank() >= 2 && a.rank() == b.rank();
    }

    static boolean maxPool2d(DeviceKernelBackend be, View x, View out, View indices, Pool2dParams p) {
        if (!floats(x, out) || indices.dtype() != DType.INT64) return false;
        be.launch1d("pool_max2d", out.numel(), be.arg(x), Strided.of(x), be.arg(out), Strided.of(out), be.arg(indices), Strided.of(indices),
                p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), out.numel());
        return true;
    }

    static boolean avgPool2d(DeviceKernelBackend be, View x, View out, Pool2dParams p) {
        if (!floats(x, out)) return false;
        be.launch1d("pool_avg2d", out.numel(), be.arg(x), Strided.of(x), be.arg(out), Strided.of(out),
                p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.countIncludePad() ? 1 : 0, out.numel());
        return true;
    }

    static boolean avgPool2dBackward(DeviceKernelBackend be, View gradOut, View gradIn, Pool2dParams p) {
        if (!floats(gradOut, gradIn)) return false;
        be.launch1d("pool_avg2d_backward", gradIn.numel(), be.arg(gradOut), Strided.of(gradOut), be.arg(gradIn), Strided.of(gradIn),
                p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.countIncludePad() ? 1 : 0, gradIn.numel());
        return true;
    }

    /** The float scale of one axis exactly as ReferenceResample.taps computes it. */
    private static float scale(UpsampleMode mode, boolean alignCorners, int in, int out) {
        if (mode == UpsampleMode.BILINEAR && alignCorners) return out > 1 ? (float) (in - 1) / (out - 1) : 0f;
        return (float) in / out;
    }

    static boolean upsample2d(DeviceKernelBackend be, UpsampleMode mode, boolean alignCorners, View x, View out) {
        if (!floats(x, out)) return false;
        int r = x.rank();
        be.launch1d("pool_upsample2d", out.numel(), be.arg(x), Strided.of(x), be.arg(out), Strided.of(out),
                mode == UpsampleMode.BILINEAR ? 1 : 0, alignCorners ? 1 : 0,
                scale(mode, alignCorners, x.shape()[r - 2], out.shape()[r - 2]), scale(mode, alignCorners, x.shape()[r - 1], out.shape()[r - 1]),
                out.numel());
        return true;
    }

    static boolean upsample2dBackward(DeviceKernelBackend be, UpsampleMode mode, boolean alignCorners, View gradOut, View gradIn) {
        if (!floats(gradOut, gradIn)) return false;
        int r = gradIn.rank();
        if (gradOut.numel() == 0) return true;
        be.launch1d("pool_upsample2d_backward", gradIn.numel(), be.arg(gradOut), Strided.of(gradOut), be.arg(gradIn), Strided.of(gradIn),
                mode == UpsampleMode.BILINEAR ? 1 : 0, alignCorners ? 1 : 0,
                scale(mode, alignCorners, gradIn.shape()[r - 2], gradOut.shape()[r - 2]),
                scale(mode, alignCorners, gradIn.shape()[r - 1], gradOut.shape()[r - 1]), gradIn.numel());
        return true;
    }

    /**
     * The struct PadBefore of pool.cl: the before pad of every view dim, or null where the device
     * cannot run the pad as the reference does (there it falls back, and the reference decides).
     */
    private static ByteBuffer padBefore(PadMode mode, int[] pads, View in, View out) {
        int rank = in.rank(), k = pads.length / 2;
        if (rank > Strided.MAX_RANK || k > rank || pads.length % 2 != 0 || out.rank() != rank) return null;
        ByteBuffer b = ByteBuffer.allocateDirect(4 * Strided.MAX_RANK).order(ByteOrder.nativeOrder());
        for (int d = 0; d < Strided.MAX_RANK; d++) {
            int before = 0;
            if (d < rank) {
                int n = in.shape()[d];
                if (d >= rank - k) {
                    before = pads[2 * (rank - 1 - d)];
                    int after = pads[2 * (rank - 1 - d) + 1];
                    if (out.shape()[d] != n + before + after) return null;
                    if (mode != PadMode.CONSTANT && n == 0 && out.shape()[d] > 0) return null;
                    if (mode == PadMode.REFLECT && (before >= n || after >= n) && out.shape()[d] > 0) return null;
                } else if (out.shape()[d] != n) {
                    return null;
                }
            }
            b.putInt(before);
        }
        return b.flip();
    }

    static boolean pad(DeviceKernelBackend be, PadMode mode, int[] pads, float value, View x, View out) {
        if (x.dtype() != DType.FLOAT32 || out.dtype() != DType.FLOAT32) return false;
        ByteBuffer before = padBefore(mode, pads, x, out);
        if (before == null) return false;
        be.launch1d("pool_pad", out.numel(), be.arg(x), Strided.of(x), be.arg(out), Strided.of(out), before, mode.ordinal(), value, out.numel());
        return true;
    }

    static boolean padBackward(DeviceKernelBackend be, PadMode mode, int[] pads, View gradOut, View gradIn) {
        if (gradOut.dtype() != DType.FLOAT32 || gradIn.dtype() != DType.FLOAT32) return false;
        ByteBuffer before = padBefore(mode, pads, gradIn, gradOut);
        if (before == null) return false;
        if (gradOut.numel() == 0) return true;
        if (mode == PadMode.CONSTANT)
            be.launch1d("pool_pad_backward_constant", gradIn.numel(), be.arg(gradOut), Strided.of(gradOut), be.arg(gradIn), Strided.of(gradIn),
                    before, gradIn.numel());
        else
            be.launch1d("pool_pad_backward", gradIn.numel(), be.arg(gradOut), Strided.of(gradOut), be.arg(gradIn), Strided.of(gradIn),
                    before, mode.ordinal(), gradIn.numel());
        return true;
    }
}
