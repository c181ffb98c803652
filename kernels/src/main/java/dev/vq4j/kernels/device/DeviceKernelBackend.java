package dev.vq4j.kernels.device;

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

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A GPU backend written once over {@link DeviceApi}: tensors live in device memory from a
 * {@link CachingAllocator}, and each kernel launches a hand-written device kernel from the shared
 * sources ({@link KernelSources}). The op groups live in their own classes ({@link DeviceElementwise},
 * {@link DeviceReduce}, {@link DeviceGemm}, {@link DeviceConv}, {@link DevicePool}, {@link DeviceIndex},
 * {@link DeviceSearch}, {@link DeviceNorm}, {@link DeviceAttention}, {@link DeviceOptim}); each answers whether it ran a
 * call natively. Calls they do not cover (a dtype, a rare geometry) run on the cpu backend through
 * {@link HostFallback}, with a one-time warning, so every op works on every device and none is
 * silently wrong. {@link #nativeKernels()} lists the kernels with a device implementation; an
 * instance runs on the device those of them not named in {@code -Dvq4j.hostKernels} (or the
 * constructor's {@code hostKernels}), which is what {@link #supports} answers and what every kernel
 * method checks before launching: a kernel it does not support runs whole through the host fallback.
 * {@link #hostCalls} counts the calls that went to the host, per kernel.
 */
public class DeviceKernelBackend implements Backend {
    static final Cleaner CLEANER = Cleaner.create();
    /** Work-group size of 1-D elementwise launches. */
    static final int BLOCK = 256;

    private final Device device;
    private final DeviceApi api;
    private final CachingAllocator allocator;
    private final int priority;
    /** The kernels this instance launches on the device: {@link #nativeKernels()} less the ones sent to the host. */
    private final Set<Kernel> onDevice;
    private final AtomicLongArray hostCalls = new AtomicLongArray(Kernel.values().length);

    /** Sends the kernels named in {@code -Dvq4j.hostKernels} (if any) to the host; the rest run on the device. */
    public DeviceKernelBackend(Device device, DeviceApi api, int priority) {
        this(device, api, priority, hostKernelsProperty());
    }

    /** {@code hostKernels}: kernels to run on the cpu backend even though they have a device kernel (to bisect a device bug, or to avoid one). */
    public DeviceKernelBackend(Device device, DeviceApi api, int priority, Set<Kernel> hostKernels) {
        this.device = device;
        this.api = api;
        this.allocator = new CachingAllocator(api);
        this.priority = priority;
        Set<Kernel> s = EnumSet.noneOf(Kernel.class);
        s.addAll(nativeKernels());
        s.removeAll(hostKernels);
        this.onDevice = java.util.Collections.unmodifiableSet(s);
    }

    /**
     * The kernels {@code -Dvq4j.hostKernels} names, comma-separated as {@link Kernel#id()} ({@code nearest_codes,attention}):
     * every device backend runs them on the cpu backend. Empty when the property is not set.
     */
    public static Set<Kernel> hostKernelsProperty() {
        return parseHostKernels(System.getProperty("vq4j.hostKernels", ""));
    }

    static Set<Kernel> parseHostKernels(String v) {
        v = v.strip();
        Set<Kernel> s = EnumSet.noneOf(Kernel.class);
        if (v.isEmpty()) return s;
        for (String id : v.split(",")) {
            try {
                if (!id.isBlank()) s.add(Kernel.of(id));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-Dvq4j.hostKernels: " + e.getMessage(), e);
            }
        }
        return s;
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
    public int priority() {
        return priority;
    }

    @Override
    public String describe() {
        return device + ": " + api.describe();
    }

    public DeviceApi api() {
        return api;
    }

    public CachingAllocator allocator() {
        return allocator;
    }

    /** Waits until every kernel enqueued so far has finished (launches are asynchronous); for timing. */
    public void synchronize() {
        api.finish();
    }

    /**
     * True for the kernels this instance launches on the device (all of {@link #nativeKernels()} unless
     * {@code -Dvq4j.hostKernels} sends some to the host). A supported kernel may still send single calls
     * its device code does not cover (another dtype, a large head dim or top-k) to the host; an unsupported
     * one sends every call.
     */
    @Override
    public boolean supports(Kernel kernel) {
        return onDevice.contains(kernel);
    }

    @Override
    public String describeFallback() {
        return "the cpu backend, the tensors of the call copied to the host and back";
    }

    /** How many calls of a kernel ran on the host through the fallback so far (unsupported kernel, or a call its device code does not cover). */
    public long hostCalls(Kernel kernel) {
        return hostCalls.get(kernel.ordinal());
    }

    /** The kernels with a device implementation (some fall back for unusual dtypes; see each group class). */
    public static Set<Kernel> nativeKernels() {
        Set<Kernel> s = EnumSet.noneOf(Kernel.class);
        s.addAll(DeviceElementwise.NATIVE);
        s.addAll(DeviceReduce.NATIVE);
        s.addAll(DeviceGemm.NATIVE);
        s.addAll(DeviceConv.NATIVE);
        s.addAll(DevicePool.NATIVE);
        s.addAll(DeviceIndex.NATIVE);
        s.addAll(DeviceSearch.NATIVE);
        s.addAll(DeviceNorm.NATIVE);
        s.addAll(DeviceAttention.NATIVE);
        s.addAll(DeviceOptim.NATIVE);
        return s;
    }

    // ---- memory ---------------------------------------------------------------------------------

    @Override
    public Buffer allocate(DType dtype, int numel) {
        DeviceBuffer b = new DeviceBuffer(this, dtype, numel, allocator);
        api.zero(b.handle(), 0, Math.max(1L, b.bytes()));
        return b;
    }

    /** Uninitialised memory, for outputs a kernel overwrites whole. */
    public DeviceBuffer allocateUninitialised(DType dtype, int numel) {
        return new DeviceBuffer(this, dtype, numel, allocator);
    }

    @Override
    public Buffer upload(Object hostArray) {
        DType dtype = switch (hostArray) {
            case float[] a -> DType.FLOAT32;
            case int[] a -> DType.INT32;
            case long[] a -> DType.INT64;
            case boolean[] a -> DType.BOOL;
            case null -> throw new NullPointerException("host array is null");
            default -> throw new IllegalArgumentException("unsupported host array type " + hostArray.getClass().getSimpleName()
                    + " (expected float[], int[], long[] or boolean[])");
        };
        DeviceBuffer b = allocateUninitialised(dtype, java.lang.reflect.Array.getLength(hostArray));
        writeWhole(b, hostArray);
        return b;
    }

    @Override
    public Object download(View view) {
        DeviceBuffer b = deviceBuffer(view);
        if (view.isContiguous()) return read(b, view.offset(), view.numel());
        try (DeviceBuffer tmp = allocateUninitialised(view.dtype(), view.numel())) {
            copy(view, View.contiguous(tmp, view.shape()));
            return read(tmp, 0, view.numel());
        }
    }

    /** The whole buffer as a host array. */
    Object readWhole(DeviceBuffer b) {
        return read(b, 0, b.numel());
    }

    private Object read(DeviceBuffer b, int offset, int numel) {
        int size = b.dtype().byteSize();
        ByteBuffer bytes = ByteBuffer.allocateDirect(Math.max(1, numel * size)).order(ByteOrder.nativeOrder());
        bytes.limit(numel * size);
        if (numel > 0) api.read(b.handle(), (long) offset * size, bytes);
        bytes.rewind();
        return switch (b.dtype()) {
            case FLOAT32 -> { float[] a = new float[numel]; bytes.asFloatBuffer().get(a); yield a; }
            case INT32 -> { int[] a = new int[numel]; bytes.asIntBuffer().get(a); yield a; }
            case INT64 -> { long[] a = new long[numel]; bytes.asLongBuffer().get(a); yield a; }
            case BOOL -> { boolean[] a = new boolean[numel]; for (int i = 0; i < numel; i++) a[i] = bytes.get(i) != 0; yield a; }
        };
    }

    /** Overwrites the whole buffer from a host array of its dtype and length. */
    void writeWhole(DeviceBuffer b, Object hostArray) {
        int n = b.numel(), size = b.dtype().byteSize();
        if (n == 0) return;
        ByteBuffer bytes = ByteBuffer.allocateDirect(n * size).order(ByteOrder.nativeOrder());
        switch (hostArray) {
            case float[] a -> bytes.asFloatBuffer().put(a);
            case int[] a -> bytes.asIntBuffer().put(a);
            case long[] a -> bytes.asLongBuffer().put(a);
            case boolean[] a -> { for (boolean v : a) bytes.put((byte) (v ? 1 : 0)); bytes.rewind(); }
            default -> throw new IllegalArgumentException("unsupported host array " + hostArray.getClass().getSimpleName());
        }
        api.write(b.handle(), 0, bytes);
    }

    /** The device buffer behind a view; a clear error for a tensor of another device. */
    DeviceBuffer deviceBuffer(View v) {
        if (v.buffer() instanceof DeviceBuffer d && d.backend() == this) return d;
        throw new IllegalArgumentException("a tensor on " + v.buffer().backend().device() + " was passed to a kernel on "
                + device + "; move it with .to(" + device + ") first");
    }

    /** Kernel argument for a view's buffer (null view: an absent optional tensor). */
    Object arg(View v) {
        return v == null ? DeviceApi.NO_BUFFER : deviceBuffer(v);
    }

    /** One work item per element, {@link #BLOCK} per group. */
    void launch1d(String kernel, int n, Object... args) {
        if (n == 0) return;
        api.launch(kernel, new long[] {roundUp(n, BLOCK)}, new long[] {BLOCK}, args);
    }

    static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }

    /** A list of views that may hold nulls (absent optional tensors). */
    static List<View> views(View... v) {
        return java.util.Arrays.asList(v);
    }

    void host(Kernel kernel, List<View> inputs, List<View> outputs, HostFallback.HostCall call) {
        hostCalls.incrementAndGet(kernel.ordinal());
        HostFallback.run(this, kernel, !supports(kernel), inputs, outputs, call);
    }

    // ---- data movement and elementwise ----------------------------------------------------------

    @Override
    public void copy(View src, View dst) {
        if (!supports(Kernel.COPY) || !DeviceElementwise.copy(this, src, dst)) host(Kernel.COPY, views(src), views(dst), (c, h) -> c.copy(h.apply(src), h.apply(dst)));
    }

    @Override
    public void fill(View dst, double value) {
        if (!supports(Kernel.FILL) || !DeviceElementwise.fill(this, dst, value)) host(Kernel.FILL, views(), views(dst), (c, h) -> c.fill(h.apply(dst), value));
    }

    @Override
    public void unary(UnaryOp op, View x, View out, float a, float b) {
        if (!supports(Kernel.UNARY) || !DeviceElementwise.unary(this, op, x, out, a, b))
            host(Kernel.UNARY, views(x), views(out), (c, h) -> c.unary(op, h.apply(x), h.apply(out), a, b));
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        if (!supports(Kernel.BINARY) || !DeviceElementwise.binary(this, op, a, b, out))
            host(Kernel.BINARY, views(a, b), views(out), (c, h) -> c.binary(op, h.apply(a), h.apply(b), h.apply(out)));
    }

    @Override
    public void where(View cond, View a, View b, View out) {
        if (!supports(Kernel.WHERE) || !DeviceElementwise.where(this, cond, a, b, out))
            host(Kernel.WHERE, views(cond, a, b), views(out), (c, h) -> c.where(h.apply(cond), h.apply(a), h.apply(b), h.apply(out)));
    }

    // ---- reductions and products ----------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, View x, int reducedDims, View out) {
        if (!supports(Kernel.REDUCE) || !DeviceReduce.reduce(this, op, x, reducedDims, out))
            host(Kernel.REDUCE, views(x), views(out), (c, h) -> c.reduce(op, h.apply(x), reducedDims, h.apply(out)));
    }

    @Override
    public void matmul(View a, View b, View out) {
        if (!supports(Kernel.MATMUL) || !DeviceGemm.matmul(this, a, b, out))
            host(Kernel.MATMUL, views(a, b), views(out), (c, h) -> c.matmul(h.apply(a), h.apply(b), h.apply(out)));
    }

    // ---- convolution and pooling ----------------------------------------------------------------

    @Override
    public void conv2d(View x, View w, View out, Conv2dParams p) {
        if (!supports(Kernel.CONV2D) || !DeviceConv.conv2d(this, x, w, out, p))
            host(Kernel.CONV2D, views(x, w), views(out), (c, h) -> c.conv2d(h.apply(x), h.apply(w), h.apply(out), p));
    }

    @Override
    public void conv2dInputGrad(View gradOut, View w, View gradIn, Conv2dParams p) {
        if (!supports(Kernel.CONV2D_INPUT_GRAD) || !DeviceConv.inputGrad(this, gradOut, w, gradIn, p))
            host(Kernel.CONV2D_INPUT_GRAD, views(gradOut, w), views(gradIn),
                    (c, h) -> c.conv2dInputGrad(h.apply(gradOut), h.apply(w), h.apply(gradIn), p));
    }

    @Override
    public void conv2dWeightGrad(View x, View gradOut, View gradW, Conv2dParams p) {
        if (!supports(Kernel.CONV2D_WEIGHT_GRAD) || !DeviceConv.weightGrad(this, x, gradOut, gradW, p))
            host(Kernel.CONV2D_WEIGHT_GRAD, views(x, gradOut), views(gradW),
                    (c, h) -> c.conv2dWeightGrad(h.apply(x), h.apply(gradOut), h.apply(gradW), p));
    }

    @Override
    public void maxPool2d(View x, View out, View indices, Pool2dParams p) {
        if (!supports(Kernel.MAX_POOL2D) || !DevicePool.maxPool2d(this, x, out, indices, p))
            host(Kernel.MAX_POOL2D, views(x), views(out, indices), (c, h) -> c.maxPool2d(h.apply(x), h.apply(out), h.apply(indices), p));
    }

    @Override
    public void avgPool2d(View x, View out, Pool2dParams p) {
        if (!supports(Kernel.AVG_POOL2D) || !DevicePool.avgPool2d(this, x, out, p))
            host(Kernel.AVG_POOL2D, views(x), views(out), (c, h) -> c.avgPool2d(h.apply(x), h.apply(out), p));
    }

    @Override
    public void avgPool2dBackward(View gradOut, View gradIn, Pool2dParams p) {
        if (!supports(Kernel.AVG_POOL2D_BACKWARD) || !DevicePool.avgPool2dBackward(this, gradOut, gradIn, p))
            host(Kernel.AVG_POOL2D_BACKWARD, views(gradOut), views(gradIn), (c, h) -> c.avgPool2dBackward(h.apply(gradOut), h.apply(gradIn), p));
    }

    @Override
    public void upsample2d(UpsampleMode mode, boolean alignCorners, View x, View out) {
        if (!supports(Kernel.UPSAMPLE2D) || !DevicePool.upsample2d(this, mode, alignCorners, x, out))
            host(Kernel.UPSAMPLE2D, views(x), views(out), (c, h) -> c.upsample2d(mode, alignCorners, h.apply(x), h.apply(out)));
    }

    @Override
    public void upsample2dBackward(UpsampleMode mode, boolean alignCorners, View gradOut, View gradIn) {
        if (!supports(Kernel.UPSAMPLE2D_BACKWARD) || !DevicePool.upsample2dBackward(this, mode, alignCorners, gradOut, gradIn))
            host(Kernel.UPSAMPLE2D_BACKWARD, views(gradOut), views(gradIn),
                    (c, h) -> c.upsample2dBackward(mode, alignCorners, h.apply(gradOut), h.apply(gradIn)));
    }

    @Override
    public void pad(PadMode mode, int[] pads, float value, View x, View out) {
        if (!supports(Kernel.PAD) || !DevicePool.pad(this, mode, pads, value, x, out))
            host(Kernel.PAD, views(x), views(out), (c, h) -> c.pad(mode, pads, value, h.apply(x), h.apply(out)));
    }

    @Override
    public void padBackward(PadMode mode, int[] pads, View gradOut, View gradIn) {
        if (!supports(Kernel.PAD_BACKWARD) || !DevicePool.padBackward(this, mode, pads, gradOut, gradIn))
            host(Kernel.PAD_BACKWARD, views(gradOut), views(gradIn), (c, h) -> c.padBackward(mode, pads, h.apply(gradOut), h.apply(gradIn)));
    }

    // ---- indexing -------------------------------------------------------------------------------

    @Override
    public void indexSelect(View x, int dim, View index, View out) {
        if (!supports(Kernel.INDEX_SELECT) || !DeviceIndex.indexSelect(this, x, dim, index, out))
            host(Kernel.INDEX_SELECT, views(x, index), views(out), (c, h) -> c.indexSelect(h.apply(x), dim, h.apply(index), h.apply(out)));
    }

    @Override
    public void indexAdd(View dst, int dim, View index, View src) {
        if (!supports(Kernel.INDEX_ADD) || !DeviceIndex.indexAdd(this, dst, dim, index, src))
            host(Kernel.INDEX_ADD, views(index, src), views(dst), (c, h) -> c.indexAdd(h.apply(dst), dim, h.apply(index), h.apply(src)));
    }

    @Override
    public void gather(View x, int dim, View index, View out) {
        if (!supports(Kernel.GATHER) || !DeviceIndex.gather(this, x, dim, index, out))
            host(Kernel.GATHER, views(x, index), views(out), (c, h) -> c.gather(h.apply(x), dim, h.apply(index), h.apply(out)));
    }

    @Override
    public void scatterAdd(View dst, int dim, View index, View src) {
        if (!supports(Kernel.SCATTER_ADD) || !DeviceIndex.scatterAdd(this, dst, dim, index, src))
            host(Kernel.SCATTER_ADD, views(index, src), views(dst), (c, h) -> c.scatterAdd(h.apply(dst), dim, h.apply(index), h.apply(src)));
    }

    // ---- fused kernels --------------------------------------------------------------------------

    @Override
    public void nearestCodes(View x, View codes, int topK, boolean cosine, View outIndices, View outDistances) {
        if (!supports(Kernel.NEAREST_CODES) || !DeviceSearch.nearestCodes(this, x, codes, topK, cosine, outIndices, outDistances))
            host(Kernel.NEAREST_CODES, views(x, codes), views(outIndices, outDistances),
                    (c, h) -> c.nearestCodes(h.apply(x), h.apply(codes), topK, cosine, h.apply(outIndices), h.apply(outDistances)));
    }

    @Override
    public void attention(View q, View k, View v, View out, View logsumexp, float scale, boolean causal) {
        if (!supports(Kernel.ATTENTION) || !DeviceAttention.forward(this, q, k, v, out, logsumexp, scale, causal))
            host(Kernel.ATTENTION, views(q, k, v), views(out, logsumexp),
                    (c, h) -> c.attention(h.apply(q), h.apply(k), h.apply(v), h.apply(out), h.apply(logsumexp), scale, causal));
    }

    /** Head sizes up to {@code DeviceAttention.MAX_HEAD_DIM} (128) have device kernels; larger ones run on the host. */
    @Override
    public boolean attentionNative(int d, int dv) {
        return DeviceAttention.hasKernel(d, dv);
    }

    @Override
    public void attentionBackward(View q, View k, View v, View out, View logsumexp, View gradOut,
                                  View gradQ, View gradK, View gradV, float scale, boolean causal) {
        if (!supports(Kernel.ATTENTION_BACKWARD) || !DeviceAttention.backward(this, q, k, v, out, logsumexp, gradOut, gradQ, gradK, gradV, scale, causal))
            host(Kernel.ATTENTION_BACKWARD, views(q, k, v, out, logsumexp, gradOut), views(gradQ, gradK, gradV),
                    (c, h) -> c.attentionBackward(h.apply(q), h.apply(k), h.apply(v), h.apply(out), h.apply(logsumexp), h.apply(gradOut),
                            h.apply(gradQ), h.apply(gradK), h.apply(gradV), scale, causal));
    }

    @Override
    public void groupNorm(View x, View weight, View bias, int groups, float eps, boolean swish, View out, View mean, View rstd) {
        if (!supports(Kernel.GROUP_NORM) || !DeviceNorm.groupNorm(this, x, weight, bias, groups, eps, swish, out, mean, rstd))
            host(Kernel.GROUP_NORM, views(x, weight, bias), views(out, mean, rstd),
                    (c, h) -> c.groupNorm(h.apply(x), h.apply(weight), h.apply(bias), groups, eps, swish, h.apply(out), h.apply(mean), h.apply(rstd)));
    }

    @Override
    public void groupNormBackward(View x, View weight, View bias, int groups, boolean swish, View mean, View rstd,
                                  View gradOut, View gradX, View gradWeight, View gradBias) {
        if (!supports(Kernel.GROUP_NORM_BACKWARD) || !DeviceNorm.groupNormBackward(this, x, weight, bias, groups, swish, mean, rstd, gradOut, gradX, gradWeight, gradBias))
            host(Kernel.GROUP_NORM_BACKWARD, views(x, weight, bias, mean, rstd, gradOut), views(gradX, gradWeight, gradBias),
                    (c, h) -> c.groupNormBackward(h.apply(x), h.apply(weight), h.apply(bias), groups, swish, h.apply(mean), h.apply(rstd),
                            h.apply(gradOut), h.apply(gradX), h.apply(gradWeight), h.apply(gradBias)));
    }

    @Override
    public void softmax(View x, View out, boolean log) {
        if (!supports(Kernel.SOFTMAX) || !DeviceNorm.softmax(this, x, out, log))
            host(Kernel.SOFTMAX, views(x), views(out), (c, h) -> c.softmax(h.apply(x), h.apply(out), log));
    }

    @Override
    public void softmaxBackward(View y, View gradOut, View gradIn, boolean log) {
        if (!supports(Kernel.SOFTMAX_BACKWARD) || !DeviceNorm.softmaxBackward(this, y, gradOut, gradIn, log))
            host(Kernel.SOFTMAX_BACKWARD, views(y, gradOut), views(gradIn), (c, h) -> c.softmaxBackward(h.apply(y), h.apply(gradOut), h.apply(gradIn), log));
    }

    // ---- optimiser ------------------------------------------------------------------------------

    @Override
    public void adamStep(View param, View grad, View expAvg, View expAvgSq, View maxExpAvgSq, double lr, double beta1, double beta2,
                         double eps, double weightDecay, boolean decoupled, double stepSize, double bc2Sqrt) {
        if (!supports(Kernel.ADAM_STEP) || !DeviceOptim.adamStep(this, param, grad, expAvg, expAvgSq, maxExpAvgSq, lr, beta1, beta2, eps, weightDecay, decoupled, stepSize, bc2Sqrt))
            host(Kernel.ADAM_STEP, views(grad), views(param, expAvg, expAvgSq, maxExpAvgSq),
                    (c, h) -> c.adamStep(h.apply(param), h.apply(grad), h.apply(expAvg), h.apply(expAvgSq), h.apply(maxExpAvgSq),
                            lr, beta1, beta2, eps, weightDecay, decoupled, stepSize, bc2Sqrt));
    }
}
