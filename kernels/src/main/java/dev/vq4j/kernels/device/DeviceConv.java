package dev.vq4j.kernels.device;

import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.View;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * conv2d forward, input gradient and weight gradient (conv.cl) as implicit GEMMs on gemm.cl's
 * tiles, one launch per call with the groups along the grid's third dimension; every tensor is
 * read and written through its strides. Problems with few output tiles and a long K (always
 * likely for the weight gradient, whose K is N*Ho*Wo; for the others at low resolution and small
 * batch) split K like {@link DeviceGemm} and add the partial sums in a second kernel.
 * Non-float32 tensors fall back to the host.
 */
final class DeviceConv {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.CONV2D, Kernel.CONV2D_INPUT_GRAD, Kernel.CONV2D_WEIGHT_GRAD);

    private static final int TILE = DeviceGemm.TILE, LOCAL = DeviceGemm.LOCAL;

    private DeviceConv() {}

    static boolean conv2d(DeviceKernelBackend be, View x, View w, View out, Conv2dParams p) {
        if (!float32(x, w, out)) return false;
        if (out.numel() == 0) return true;
        if (w.numel() == 0) return zero(be, out);
        int og = out.shape()[1] / p.groups();
        long cols = (long) out.shape()[0] * out.shape()[2] * out.shape()[3];
        long k = (long) w.shape()[1] * w.shape()[2] * w.shape()[3];
        return implicitGemm(be, "conv_fwd_f32", og, cols, k, p, out, be.arg(x), Strided.of(x), be.arg(w), Strided.of(w));
    }

    static boolean inputGrad(DeviceKernelBackend be, View gradOut, View w, View gradIn, Conv2dParams p) {
        if (!float32(gradOut, w, gradIn)) return false;
        if (gradIn.numel() == 0) return true;
        if (w.numel() == 0 || gradOut.numel() == 0) return zero(be, gradIn);
        int cg = w.shape()[1];
        long cols = (long) gradIn.shape()[0] * gradIn.shape()[2] * gradIn.shape()[3];
        long k = (long) (gradOut.shape()[1] / p.groups()) * w.shape()[2] * w.shape()[3];
        return implicitGemm(be, "conv_dgrad_f32", cg, cols, k, p, gradIn, be.arg(gradOut), Strided.of(gradOut), be.arg(w), Strided.of(w));
    }

    static boolean weightGrad(DeviceKernelBackend be, View x, View gradOut, View gradW, Conv2dParams p) {
        if (!float32(x, gradOut, gradW)) return false;
        if (gradW.numel() == 0) return true;
        if (gradOut.numel() == 0) return zero(be, gradW);
        int o = gradW.shape()[0], cg = gradW.shape()[1], kh = gradW.shape()[2], kw = gradW.shape()[3], groups = p.groups();
        int og = o / groups, cols = cg * kh * kw;
        long k = (long) gradOut.shape()[0] * gradOut.shape()[2] * gradOut.shape()[3];
        if (k > Integer.MAX_VALUE || groups > DeviceGemm.MAX_GRID_Z) return false;
        int tilesM = DeviceGemm.ceilDiv(og, TILE), tilesN = DeviceGemm.ceilDiv(cols, TILE);
        int[] plan = DeviceGemm.splitPlan((long) tilesM * tilesN * groups, (int) k, DeviceGemm.MAX_GRID_Z / groups);
        int splits = plan[0], kChunk = plan[1];
        long[] global = {(long) tilesM * tilesN * LOCAL, LOCAL, (long) groups * splits}, local = {LOCAL, LOCAL, 1};
        if (splits == 1 && gradW.isContiguous()) {
            be.api().launch("conv_wgrad_f32", global, local, be.arg(x), Strided.of(x), be.arg(gradOut), Strided.of(gradOut), be.arg(gradW), gradW.offset(),
                    groups, cg, kh, kw, p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), tilesN, 1, kChunk);
            return true;
        }
        try (DeviceBuffer part = be.allocateUninitialised(DType.FLOAT32, splits * gradW.numel())) {
            be.api().launch("conv_wgrad_f32", global, local, be.arg(x), Strided.of(x), be.arg(gradOut), Strided.of(gradOut), part, 0,
                    groups, cg, kh, kw, p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(), tilesN, splits, kChunk);
            DeviceGemm.splitSum(be, part, splits, gradW);
        }
        return true;
    }

    /**
     * Launches the forward or input-gradient kernel: per group an M x cols GEMM over K, written to
     * {@code out} directly, or with K split (few output tiles, long K) to a contiguous scratch
     * tensor per split whose sum then goes to {@code out}. {@code inputs}: the two tensors' buffer and Strided.
     */
    private static boolean implicitGemm(DeviceKernelBackend be, String kernel, int m, long cols, long k, Conv2dParams p, View out, Object... inputs) {
        int groups = p.groups();
        if (cols > Integer.MAX_VALUE || k > Integer.MAX_VALUE || groups > DeviceGemm.MAX_GRID_Z) return false;
        int tilesM = DeviceGemm.ceilDiv(m, TILE), tilesN = DeviceGemm.ceilDiv((int) cols, TILE);
        if ((long) tilesM * tilesN * LOCAL > Integer.MAX_VALUE) return false;
        int[] plan = DeviceGemm.splitPlan((long) tilesM * tilesN * groups, (int) k, DeviceGemm.MAX_GRID_Z / groups);
        int splits = plan[0], kChunk = plan[1];
        long[] global = {(long) tilesM * tilesN * LOCAL, LOCAL, (long) groups * splits}, local = {LOCAL, LOCAL, 1};
        if (splits == 1) {
            be.api().launch(kernel, global, local, args(inputs, be.arg(out), Strided.of(out), p, tilesN, 1, kChunk, 0));
            return true;
        }
        int numel = out.numel();
        try (DeviceBuffer part = be.allocateUninitialised(DType.FLOAT32, splits * numel)) {
            ByteBuffer contiguous = Strided.of(out.shape(), Shapes.contiguousStrides(out.shape()), 0);
            be.api().launch(kernel, global, local, args(inputs, part, contiguous, p, tilesN, splits, kChunk, numel));
            DeviceGemm.splitSum(be, part, splits, out);
        }
        return true;
    }

    /** inputs, output buffer and Strided, then groups, stride, padding, dilation, tilesN, splits, kChunk, split stride: the kernels' argument order. */
    private static Object[] args(Object[] inputs, Object out, ByteBuffer outStrided, Conv2dParams p, int tilesN, int splits, int kChunk, int splitStride) {
        List<Object> a = new ArrayList<>(List.of(inputs));
        a.addAll(List.of(out, outStrided, p.groups(), p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(), p.dilationW(),
                tilesN, splits, kChunk, splitStride));
        return a.toArray();
    }

    /** An empty sum: the whole output is 0. */
    private static boolean zero(DeviceKernelBackend be, View out) {
        be.fill(out, 0.0);
        return true;
    }

    private static boolean float32(View... views) {
        for (View v : views) if (v.dtype() != DType.FLOAT32 || v.rank() != 4) return false;
        return true;
    }
}
