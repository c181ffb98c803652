package dev.vq4j.kernels.reference;

import dev.vq4j.core.Backend;
import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.Buffer;
import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.DType;
import dev.vq4j.core.Device;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.PadMode;
import dev.vq4j.core.Pool2dParams;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.UpsampleMode;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * The backend that defines what every kernel means: plain loops over strided views, double
 * accumulation, no cleverness. Every fast kernel in every other backend is tested against it.
 * Subclasses (the cpu backend) override the kernels they speed up and inherit the rest.
 */
public class ReferenceBackend implements Backend {
    private final Device device;

    public ReferenceBackend() {
        this(Device.REFERENCE);
    }

    protected ReferenceBackend(Device device) {
        this.device = device;
    }

    @Override
    public String name() {
        return device.type();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String describe() {
        return "reference: plain Java loops, double accumulation (defines the semantics)";
    }

    @Override
    public boolean supports(Kernel kernel) {
        return true;
    }

    @Override
    public Buffer allocate(DType dtype, int numel) {
        return HostBuffer.allocate(this, dtype, numel);
    }

    @Override
    public Buffer upload(Object hostArray) {
        Object copy = switch (hostArray) {
            case float[] a -> a.clone();
            case int[] a -> a.clone();
            case long[] a -> a.clone();
            case boolean[] a -> a.clone();
            default -> hostArray; // HostBuffer.wrap reports the bad type
        };
        return HostBuffer.wrap(this, copy);
    }

    @Override
    public Object download(View view) {
        HostBuffer dst = HostBuffer.allocate(this, view.dtype(), view.numel());
        ReferenceElementwise.copy(host(view), View.contiguous(dst, view.shape()));
        return dst.array();
    }

    /** Checks that a view's buffer is host memory this family of backends can read. */
    protected static View host(View v) {
        if (!(v.buffer() instanceof HostBuffer))
            throw new IllegalArgumentException("buffer of backend '" + v.buffer().backend().name()
                    + "' passed to a host backend: move the tensor with to(device) first");
        return v;
    }

    @Override
    public void copy(View src, View dst) {
        ReferenceElementwise.copy(host(src), host(dst));
    }

    @Override
    public void fill(View dst, double value) {
        ReferenceElementwise.fill(host(dst), value);
    }

    @Override
    public void unary(UnaryOp op, View x, View out, float a, float b) {
        ReferenceElementwise.unary(op, host(x), host(out), a, b);
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        ReferenceElementwise.binary(op, host(a), host(b), host(out));
    }

    @Override
    public void where(View cond, View a, View b, View out) {
        ReferenceElementwise.where(host(cond), host(a), host(b), host(out));
    }

    @Override
    public void reduce(ReduceOp op, View x, int reducedDims, View out) {
        ReferenceReduce.reduce(op, host(x), reducedDims, host(out));
    }

    @Override
    public void matmul(View a, View b, View out) {
        ReferenceMatmul.matmul(host(a), host(b), host(out));
    }

    @Override
    public void conv2d(View x, View w, View out, Conv2dParams p) {
        ReferenceConv.forward(host(x), host(w), host(out), p);
    }

    @Override
    public void conv2dInputGrad(View gradOut, View w, View gradIn, Conv2dParams p) {
        ReferenceConv.inputGrad(host(gradOut), host(w), host(gradIn), p);
    }

    @Override
    public void conv2dWeightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        ReferenceConv.weightGrad(host(x), host(gradOut), host(gradW), p);
    }

    @Override
    public void maxPool2d(View x, View out, View indices, Pool2dParams p) {
        ReferencePool.maxPool2d(host(x), host(out), host(indices), p);
    }

    @Override
    public void avgPool2d(View x, View out, Pool2dParams p) {
        ReferencePool.avgPool2d(host(x), host(out), p);
    }

    @Override
    public void avgPool2dBackward(View gradOut, View gradIn, Pool2dParams p) {
        ReferencePool.avgPool2dBackward(host(gradOut), host(gradIn), p);
    }

    @Override
    public void upsample2d(UpsampleMode mode, boolean alignCorners, View x, View out) {
        ReferenceResample.upsample2d(mode, alignCorners, host(x), host(out));
    }

    @Override
    public void upsample2dBackward(UpsampleMode mode, boolean alignCorners, View gradOut, View gradIn) {
        ReferenceResample.upsample2dBackward(mode, alignCorners, host(gradOut), host(gradIn));
    }

    @Override
    public void pad(PadMode mode, int[] pads, float value, View x, View out) {
        ReferenceResample.pad(mode, pads, value, host(x), host(out));
    }

    @Override
    public void padBackward(PadMode mode, int[] pads, View gradOut, View gradIn) {
        ReferenceResample.padBackward(mode, pads, host(gradOut), host(gradIn));
    }

    @Override
    public void indexSelect(View x, int dim, View index, View out) {
        ReferenceIndexing.indexSelect(host(x), dim, host(index), host(out));
    }

    @Override
    public void indexAdd(View dst, int dim, View index, View src) {
        ReferenceIndexing.indexAdd(host(dst), dim, host(index), host(src));
    }

    @Override
    public void gather(View x, int dim, View index, View out) {
        ReferenceIndexing.gather(host(x), dim, host(index), host(out));
    }

    @Override
    public void scatterAdd(View dst, int dim, View index, View src) {
        ReferenceIndexing.scatterAdd(host(dst), dim, host(index), host(src));
    }

    @Override
    public void nearestCodes(View x, View codes, int topK, boolean cosine, View outIndices, View outDistances) {
        ReferenceCodebookSearch.nearestCodes(host(x), host(codes), topK, cosine, host(outIndices), host(outDistances));
    }

    @Override
    public void attention(View q, View k, View v, View out, View logsumexp, float scale, boolean causal) {
        ReferenceAttention.forward(host(q), host(k), host(v), host(out), host(logsumexp), scale, causal);
    }

    @Override
    public void attentionBackward(View q, View k, View v, View out, View logsumexp, View gradOut,
                                  View gradQ, View gradK, View gradV, float scale, boolean causal) {
        ReferenceAttention.backward(host(q), host(k), host(v), host(out), host(logsumexp), host(gradOut),
                host(gradQ), host(gradK), host(gradV), scale, causal);
    }

    @Override
    public void groupNorm(View x, View weight, View bias, int groups, float eps, boolean swish, View out, View mean, View rstd) {
        ReferenceGroupNorm.forward(host(x), hostOrNull(weight), hostOrNull(bias), groups, eps, swish, host(out), host(mean), host(rstd));
    }

    @Override
    public void groupNormBackward(View x, View weight, View bias, int groups, boolean swish, View mean, View rstd,
                                  View gradOut, View gradX, View gradWeight, View gradBias) {
        ReferenceGroupNorm.backward(host(x), hostOrNull(weight), hostOrNull(bias), groups, swish, host(mean), host(rstd),
                host(gradOut), host(gradX), hostOrNull(gradWeight), hostOrNull(gradBias));
    }

    @Override
    public void softmax(View x, View out, boolean log) {
        ReferenceSoftmax.forward(host(x), host(out), log);
    }

    @Override
    public void softmaxBackward(View y, View gradOut, View gradIn, boolean log) {
        ReferenceSoftmax.backward(host(y), host(gradOut), host(gradIn), log);
    }

    @Override
    public void adamStep(View param, View grad, View expAvg, View expAvgSq, View maxExpAvgSq, double lr, double beta1, double beta2,
                         double eps, double weightDecay, boolean decoupled, double stepSize, double bc2Sqrt) {
        ReferenceOptim.adamStep(host(param), host(grad), host(expAvg), host(expAvgSq), hostOrNull(maxExpAvgSq), lr, beta1, beta2,
                eps, weightDecay, decoupled, stepSize, bc2Sqrt);
    }

    /** {@link #host} for optional operands. */
    protected static View hostOrNull(View v) {
        return v == null ? null : host(v);
    }
}
