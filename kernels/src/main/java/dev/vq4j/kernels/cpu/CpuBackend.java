package dev.vq4j.kernels.cpu;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.Device;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.cpu.gemm.GemmOut;
import dev.vq4j.kernels.cpu.gemm.Sgemm;
import dev.vq4j.kernels.cpu.gemm.SmallM;
import dev.vq4j.kernels.cpu.gemm.StridedPanel;
import dev.vq4j.kernels.reference.ReferenceBackend;

import java.util.EnumSet;
import java.util.Set;

/**
 * The fast host backend. Kernels written on {@code jdk.incubator.vector} override the reference
 * ones here as they land ({@link #VECTOR_KERNELS}, which {@link #supports} answers from); every
 * kernel not yet overridden runs the reference loop in place on the same host memory, so the cpu
 * backend is always complete and always agrees with the reference.
 */
public class CpuBackend extends ReferenceBackend {
    /**
     * The kernels this class overrides with Vector API code (CpuSupportsTest checks the list against the
     * methods declared here). unary and binary send the calls {@link CpuElementwise} does not cover
     * (other maps, other dtypes, strided layouts) to the reference loop, reduce all but the float sums
     * of {@link CpuReduce} (plain loops, not Vector API: they keep the reference's bits).
     */
    public static final Set<Kernel> VECTOR_KERNELS = java.util.Collections.unmodifiableSet(EnumSet.of(
            Kernel.UNARY, Kernel.BINARY, Kernel.REDUCE, Kernel.MATMUL, Kernel.CONV2D, Kernel.CONV2D_INPUT_GRAD, Kernel.CONV2D_WEIGHT_GRAD,
            Kernel.NEAREST_CODES, Kernel.ATTENTION, Kernel.ATTENTION_BACKWARD, Kernel.GROUP_NORM, Kernel.GROUP_NORM_BACKWARD,
            Kernel.SOFTMAX, Kernel.SOFTMAX_BACKWARD));

    public CpuBackend() {
        super(Device.CPU);
    }

    /** Natively: the kernels with Vector API code; the others run the reference loops (see {@link #describeFallback}). */
    @Override
    public boolean supports(Kernel kernel) {
        return VECTOR_KERNELS.contains(kernel);
    }

    @Override
    public String describeFallback() {
        return "the reference loops, in place on the same host memory (no copies)";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String describe() {
        return "cpu: host memory, " + Parallel.threads() + " threads, Vector API code for " + VECTOR_KERNELS.size() + " of "
                + Kernel.values().length + " kernels; the rest run the reference loops";
    }

    /** [B,M,K]·[B,K,N] on the packed Vector API SGEMM; any strides, including broadcast (stride 0) batches. */
    @Override
    public void matmul(View a, View b, View out) {
        View A = host(a), B = host(b), C = host(out);
        int[] as = A.strides(), bs = B.strides(), cs = C.strides();
        if (C.shape()[1] <= SmallM.MAX_M && as[2] == 1 && bs[1] == 1) { // few rows of x·Wᵀ (decode): stream W, no packing
            SmallM.multiply(C.shape()[0], C.shape()[1], C.shape()[2], A.shape()[2], floats(A), A.offset(), as[0], as[1],
                    floats(B), B.offset(), bs[0], bs[2], floats(C), C.offset(), cs[0], cs[1], cs[2]);
            return;
        }
        Sgemm.multiply(C.shape()[0], C.shape()[1], C.shape()[2], A.shape()[2],
                StridedPanel.left(floats(A), A.offset(), as[0], as[1], as[2]),
                StridedPanel.right(floats(B), B.offset(), bs[0], bs[1], bs[2]),
                GemmOut.strided(floats(C), C.offset(), cs[0], cs[1], cs[2]), false);
    }

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }

    @Override
    public void conv2d(View x, View w, View out, Conv2dParams p) {
        CpuConv.forward(host(x), host(w), host(out), p);
    }

    @Override
    public void conv2dInputGrad(View gradOut, View w, View gradIn, Conv2dParams p) {
        CpuConv.inputGrad(host(gradOut), host(w), host(gradIn), p);
    }

    @Override
    public void conv2dWeightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        CpuConv.weightGrad(host(x), host(gradOut), host(gradW), p);
    }

    @Override
    public void nearestCodes(View x, View codes, int topK, boolean cosine, View outIndices, View outDistances) {
        dev.vq4j.kernels.cpu.search.CodebookSearch.nearestCodes(host(x), host(codes), topK, cosine, host(outIndices), host(outDistances));
    }

    @Override
    public void attention(View q, View k, View v, View out, View logsumexp, float scale, boolean causal) {
        dev.vq4j.kernels.cpu.attention.CpuAttention.forward(host(q), host(k), host(v), host(out), host(logsumexp), scale, causal);
    }

    @Override
    public void attentionBackward(View q, View k, View v, View out, View logsumexp, View gradOut,
                                  View gradQ, View gradK, View gradV, float scale, boolean causal) {
        dev.vq4j.kernels.cpu.attention.CpuAttention.backward(host(q), host(k), host(v), host(out), host(logsumexp), host(gradOut),
                host(gradQ), host(gradK), host(gradV), scale, causal);
    }

    @Override
    public void groupNorm(View x, View weight, View bias, int groups, float eps, boolean swish, View out, View mean, View rstd) {
        CpuGroupNorm.forward(host(x), hostOrNull(weight), hostOrNull(bias), groups, eps, swish, host(out), host(mean), host(rstd));
    }

    @Override
    public void groupNormBackward(View x, View weight, View bias, int groups, boolean swish, View mean, View rstd,
                                  View gradOut, View gradX, View gradWeight, View gradBias) {
        CpuGroupNorm.backward(host(x), hostOrNull(weight), hostOrNull(bias), groups, swish, host(mean), host(rstd),
                host(gradOut), host(gradX), hostOrNull(gradWeight), hostOrNull(gradBias));
    }

    @Override
    public void softmax(View x, View out, boolean log) {
        CpuSoftmax.forward(host(x), host(out), log);
    }

    @Override
    public void softmaxBackward(View y, View gradOut, View gradIn, boolean log) {
        CpuSoftmax.backward(host(y), host(gradOut), host(gradIn), log);
    }

    /** Float sums over a contiguous run or down columns ({@link CpuReduce}); other reductions and layouts: the reference loop. */
    @Override
    public void reduce(ReduceOp op, View x, int reducedDims, View out) {
        if (op != ReduceOp.SUM || !CpuReduce.sum(host(x), reducedDims, host(out))) super.reduce(op, x, reducedDims, out);
    }

    /** Contiguous (or last-dim unit-stride / broadcast) float operands take the Vector API path; the rest the reference loop. */
    @Override
    public void unary(UnaryOp op, View x, View out, float a, float b) {
        if (!CpuElementwise.unary(op, host(x), host(out), a)) super.unary(op, x, out, a, b);
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        if (!CpuElementwise.binary(op, host(a), host(b), host(out))) super.binary(op, a, b, out);
    }
}
