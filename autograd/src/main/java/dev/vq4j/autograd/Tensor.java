package dev.vq4j.autograd;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Backends;
import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.Buffer;
import dev.vq4j.core.DType;
import dev.vq4j.core.Device;
import dev.vq4j.core.MemoryScope;
import dev.vq4j.core.Rng;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.View;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array on a device with reverse-mode autograd: PyTorch's semantics in Java.
 *
 * <p>A tensor is a {@link Buffer} seen through a shape, strides and an offset, so views (transpose,
 * narrow, expand, ...) share memory without copying. Ops check shapes, dispatch to the tensor's
 * {@link Backend}, and, while {@link GradMode} is on and an input requires a gradient, record a
 * {@link Node} whose closure computes the input gradients (see {@link Autograd}).
 *
 * <p>Op families live in their own classes ({@link Elementwise}, {@link Reductions},
 * {@link LinearAlgebra}, {@link Shaping}, {@link Indexing}, ...); the instance methods here are the
 * short way to call them.
 */
public final class Tensor implements AutoCloseable {
    private static volatile Device defaultDevice = Device.CPU;

    private final Buffer buffer;
    private final int[] shape;
    private final int[] strides;
    private final int offset;

    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    Tensor(Buffer buffer, int[] shape, int[] strides, int offset) {
        this.buffer = buffer;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // =============================================================================================
    // creation
    // =============================================================================================

    public static Device defaultDevice() {
        return defaultDevice;
    }

    /** Device used by the factory methods that take none. */
    public static void setDefaultDevice(Device device) {
        Backends.get(device); // fail now if it is not available
        defaultDevice = device;
    }

    /** A new zero-filled contiguous tensor. */
    public static Tensor empty(Device device, DType dtype, int... shape) {
        int[] s = shape.clone();
        Buffer b = Backends.get(device).allocate(dtype, Shapes.numel(s));
        return new Tensor(b, s, Shapes.contiguousStrides(s), 0);
    }

    static Tensor emptyLike(Tensor t, DType dtype, int... shape) {
        int[] s = shape.clone();
        Buffer b = t.backend().allocate(dtype, Shapes.numel(s));
        return new Tensor(b, s, Shapes.contiguousStrides(s), 0);
    }

    public static Tensor zeros(int... shape) {
        return zeros(defaultDevice, shape);
    }

    public static Tensor zeros(Device device, int... shape) {
        return empty(device, DType.FLOAT32, shape);
    }

    public static Tensor ones(int... shape) {
        return full(defaultDevice, 1f, shape);
    }

    public static Tensor ones(Device device, int... shape) {
        return full(device, 1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        return full(defaultDevice, value, shape);
    }

    public static Tensor full(Device device, float value, int... shape) {
        Tensor t = zeros(device, shape);
        if (value != 0f) t.backend().fill(t.kernelView(), value);
        return t;
    }

    public static Tensor zerosLike(Tensor t) {
        return emptyLike(t, t.dtype(), t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        Tensor r = emptyLike(t, t.dtype(), t.shape);
        r.backend().fill(r.kernelView(), 1.0);
        return r;
    }

    /** A 0-dim tensor holding one value. */
    public static Tensor scalar(float value) {
        return of(defaultDevice, new float[] {value});
    }

    public static Tensor scalar(Device device, float value) {
        return of(device, new float[] {value});
    }

    /** Copies a float array into a tensor of the given shape (no shape: 1-D, or 0-D for one element given as scalar()). */
    public static Tensor of(float[] data, int... shape) {
        return of(defaultDevice, data, shape);
    }

    public static Tensor of(Device device, float[] data, int... shape) {
        return fromHost(device, data, data.length, shape);
    }

    public static Tensor ofLongs(long[] data, int... shape) {
        return fromHost(defaultDevice, data, data.length, shape);
    }

    public static Tensor ofLongs(Device device, long[] data, int... shape) {
        return fromHost(device, data, data.length, shape);
    }

    public static Tensor ofInts(int[] data, int... shape) {
        return fromHost(defaultDevice, data, data.length, shape);
    }

    public static Tensor ofBools(boolean[] data, int... shape) {
        return fromHost(defaultDevice, data, data.length, shape);
    }

    public static Tensor ofBools(Device device, boolean[] data, int... shape) {
        return fromHost(device, data, data.length, shape);
    }

    private static Tensor fromHost(Device device, Object array, int length, int[] shape) {
        int[] s = shape.length == 0 && length != 1 ? new int[] {length} : shape.clone();
        if (Shapes.numel(s) != length)
            throw new IllegalArgumentException("shape " + Shapes.str(s) + " is invalid for input of size " + length);
        Buffer b = Backends.get(device).upload(array);
        return new Tensor(b, s, Shapes.contiguousStrides(s), 0);
    }

    /** 0, 1, ..., end-1 as float32. */
    public static Tensor arange(int end) {
        return arange(0, end, 1);
    }

    /** start, start+step, ... below end (above end for negative step), float32, as torch.arange. */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be nonzero");
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (start + i * step);
        return of(v, n);
    }

    /** Integer range 0..end-1 as int64, for indices. */
    public static Tensor arangeLong(int end) {
        long[] v = new long[end];
        for (int i = 0; i < end; i++) v[i] = i;
        return ofLongs(v, end);
    }

    public static Tensor eye(int n) {
        return eye(n, n);
    }

    public static Tensor eye(int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < Math.min(rows, cols); i++) v[i * cols + i] = 1f;
        return of(v, rows, cols);
    }

    /** Uniform in [0, 1). */
    public static Tensor rand(Rng rng, int... shape) {
        float[] v = new float[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextFloat();
        return of(v, shape);
    }

    /** Uniform in [low, high). */
    public static Tensor uniform(Rng rng, float low, float high, int... shape) {
        float[] v = new float[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = low + (high - low) * rng.nextFloat();
        return of(v, shape);
    }

    /** Standard normal. */
    public static Tensor randn(Rng rng, int... shape) {
        float[] v = new float[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
        return of(v, shape);
    }

    /** Integers uniform in [low, high), int64. */
    public static Tensor randint(Rng rng, long low, long high, int... shape) {
        if (high <= low) throw new IllegalArgumentException("randint: high (" + high + ") must be > low (" + low + ")");
        long[] v = new long[Shapes.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = low + rng.nextLong(high - low);
        return ofLongs(v, shape);
    }

    /** A tensor holding a copy of file data (see {@link dev.vq4j.core.io.SafeTensors}). */
    public static Tensor fromData(Device device, dev.vq4j.core.io.TensorData data) {
        return fromHost(device, data.data(), data.numel(), data.shape());
    }

    public static Tensor fromData(dev.vq4j.core.io.TensorData data) {
        return fromData(defaultDevice, data);
    }

    /** This tensor's values on the host, ready to write to a file. */
    public dev.vq4j.core.io.TensorData toData() {
        return new dev.vq4j.core.io.TensorData(dtype(), shape, backend().download(kernelView()));
    }

    // =============================================================================================
    // metadata
    // =============================================================================================

    public int[] shape() {
        return shape.clone();
    }

    /** Size of one dimension; negative dims count from the end. */
    public int size(int dim) {
        return shape[Shapes.wrapDim("size", dim, shape.length)];
    }

    public int dim() {
        return shape.length;
    }

    public int numel() {
        return Shapes.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int storageOffset() {
        return offset;
    }

    public DType dtype() {
        return buffer.dtype();
    }

    public Backend backend() {
        return buffer.backend();
    }

    public Device device() {
        return buffer.backend().device();
    }

    public boolean isContiguous() {
        return Shapes.isContiguous(shape, strides);
    }

    /** The kernel-level view of this tensor. */
    public View kernelView() {
        if (buffer.isClosed())
            throw new IllegalStateException("tensor " + shapeString() + " was used after its memory was released (closed, or its MemoryScope ended)");
        return new View(buffer, shape, strides, offset);
    }

    Buffer buffer() {
        return buffer;
    }

    public String shapeString() {
        return Shapes.str(shape);
    }

    /** True when both tensors view the same buffer. */
    public boolean sharesMemoryWith(Tensor other) {
        return buffer == other.buffer;
    }

    // =============================================================================================
    // autograd
    // =============================================================================================

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as needing gradients; returns this for chaining. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value)
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor (" + gradFn + "); use detach()");
        if (value && !dtype().isFloatingPoint())
            throw new IllegalArgumentException("only float32 tensors can require gradients, this one is " + dtype().torchName());
        requiresGrad = value;
        return this;
    }

    /** The accumulated gradient of a leaf after backward, or null. */
    public Tensor grad() {
        return grad;
    }

    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape))
            throw new IllegalArgumentException("assigned grad has shape " + g.shapeString() + " but tensor has shape " + shapeString());
        grad = g;
    }

    /** Drops the accumulated gradient (PyTorch's set_to_none behaviour). */
    public void zeroGrad() {
        grad = null;
    }

    public Node gradFn() {
        return gradFn;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    void attachGradFn(Node node) {
        gradFn = node;
        requiresGrad = true;
    }

    void accumulateGrad(Tensor g) {
        grad = grad == null ? g.contiguous() : addNoGrad(grad, g);
    }

    static Tensor addNoGrad(Tensor a, Tensor b) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return Elementwise.add(a, b);
        }
    }

    /** A tensor sharing this one's memory, cut from the graph. */
    public Tensor detach() {
        return new Tensor(buffer, shape, strides, offset);
    }

    /** Backpropagates from a scalar. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    // =============================================================================================
    // data out
    // =============================================================================================

    /** The value of a one-element tensor. */
    public float item() {
        if (numel() != 1)
            throw new IllegalStateException("a Tensor with " + numel() + " elements cannot be converted to a scalar");
        return switch (dtype()) {
            case FLOAT32 -> toFloatArray()[0];
            case INT64 -> toLongArray()[0];
            case INT32 -> ((int[]) backend().download(kernelView()))[0];
            case BOOL -> ((boolean[]) backend().download(kernelView()))[0] ? 1f : 0f;
        };
    }

    /** Elements in row-major order, converted to float. */
    public float[] toFloatArray() {
        Tensor t = dtype() == DType.FLOAT32 ? this : to(DType.FLOAT32);
        return (float[]) t.backend().download(t.kernelView());
    }

    public long[] toLongArray() {
        Tensor t = dtype() == DType.INT64 ? this : to(DType.INT64);
        return (long[]) t.backend().download(t.kernelView());
    }

    public int[] toIntArray() {
        Tensor t = dtype() == DType.INT32 ? this : to(DType.INT32);
        return (int[]) t.backend().download(t.kernelView());
    }

    public boolean[] toBoolArray() {
        Tensor t = dtype() == DType.BOOL ? this : to(DType.BOOL);
        return (boolean[]) t.backend().download(t.kernelView());
    }

    /** One element by coordinates. */
    public float get(int... index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException("get: expected " + shape.length + " indices for shape " + shapeString() + ", got " + index.length);
        Tensor t = this;
        for (int d = index.length - 1; d >= 0; d--) t = t.select(d, index[d]);
        return t.item();
    }

    // =============================================================================================
    // conversion and movement
    // =============================================================================================

    /** A copy on another device (this tensor itself when already there). Differentiable. */
    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        Object host = backend().download(kernelView());
        Tensor out = fromHost(device, host, numel(), shape);
        return Autograd.record("to", out, new Tensor[] {this}, g -> new Tensor[] {g.to(this.device())});
    }

    /** A converted copy (this tensor when the dtype already matches). Differentiable between float types only. */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) return this;
        Tensor out = emptyLike(this, dtype, shape);
        backend().copy(kernelView(), out.kernelView());
        return out;
    }

    /** A contiguous tensor with the same values: this one if already contiguous. */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        return clone();
    }

    /** A contiguous copy; differentiable. */
    @Override
    public Tensor clone() {
        Tensor out = emptyLike(this, dtype(), shape);
        backend().copy(kernelView(), out.kernelView());
        return Autograd.record("clone", out, new Tensor[] {this}, g -> new Tensor[] {g});
    }

    // =============================================================================================
    // views: no copy, shared memory
    // =============================================================================================

    /** A view with new shape and strides over the same memory (no checks: internal building block). */
    Tensor asStrided(int[] newShape, int[] newStrides, int newOffset) {
        return new Tensor(buffer, newShape, newStrides, newOffset);
    }

    /** Reshape without copying; fails if the strides make that impossible (use {@link #reshape}). */
    public Tensor view(int... newShape) {
        int[] s = inferShape("view", newShape);
        int[] st = viewStrides(s);
        if (st == null)
            throw new IllegalStateException("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces): "
                    + shapeString() + " -> " + Shapes.str(s) + ". Use reshape(...) instead.");
        Tensor out = asStrided(s, st, offset);
        int[] original = shape.clone();
        return Autograd.record("view", out, new Tensor[] {this}, g -> new Tensor[] {g.reshape(original)});
    }

    /** Reshape, copying only when a view is impossible. */
    public Tensor reshape(int... newShape) {
        int[] s = inferShape("reshape", newShape);
        if (viewStrides(s) != null) return view(s);
        return clone().view(s);
    }

    private int[] inferShape(String op, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": only one dimension can be inferred");
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid shape dimension " + s[i]);
            } else known *= s[i];
        }
        int n = numel();
        if (infer >= 0) {
            if (known == 0 || n % known != 0)
                throw new IllegalArgumentException(op + ": shape " + Shapes.str(newShape) + " is invalid for input of size " + n);
            s[infer] = (int) (n / known);
        }
        if (Shapes.numel(s) != n)
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(newShape) + " is invalid for input of size " + n);
        return s;
    }

    /** Strides that view this tensor as newShape, or null (PyTorch's computeStride algorithm). */
    private int[] viewStrides(int[] newShape) {
        if (isContiguous()) return Shapes.contiguousStrides(newShape);
        int[] newStrides = new int[newShape.length];
        int viewD = newShape.length - 1;
        long chunkBase = shape.length == 0 ? 1 : strides[shape.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = strides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? newStrides : null;
    }

    /** Reorders dimensions. */
    public Tensor permute(int... dims) {
        if (dims.length != shape.length)
            throw new IllegalArgumentException("permute: number of dims don't match in permute (tensor has " + shape.length + ", got " + dims.length + ")");
        int[] s = new int[dims.length], st = new int[dims.length], inverse = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shapes.wrapDim("permute", dims[i], shape.length);
            if (seen[d]) throw new IllegalArgumentException("permute: repeated dim " + d + " in " + Arrays.toString(dims));
            seen[d] = true;
            s[i] = shape[d];
            st[i] = strides[d];
            inverse[d] = i;
        }
        Tensor out = asStrided(s, st, offset);
        return Autograd.record("permute", out, new Tensor[] {this}, g -> new Tensor[] {g.permute(inverse)});
    }

    public Tensor transpose(int dim0, int dim1) {
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        int a = Shapes.wrapDim("transpose", dim0, shape.length), b = Shapes.wrapDim("transpose", dim1, shape.length);
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /** Transpose of a 2-D tensor. */
    public Tensor t() {
        if (shape.length != 2) throw new IllegalStateException("t() expects a 2-D tensor, got " + shapeString());
        return transpose(0, 1);
    }

    /** Elements start..start+length-1 along dim. */
    public Tensor narrow(int dim, int start, int length) {
        return slice(dim, start, start + length, 1);
    }

    /** Python's {@code x[..., start:end:step, ...]} along dim; negative start/end count from the end. */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = Shapes.wrapDim("slice", dim, shape.length);
        if (step < 1) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int n = shape[d];
        int s = start < 0 ? start + n : start, e = end < 0 ? end + n : end;
        s = Math.clamp(s, 0, n);
        e = Math.clamp(e, s, n);
        int[] ns = shape.clone(), nst = strides.clone();
        ns[d] = (e - s + step - 1) / step;
        nst[d] = strides[d] * step;
        Tensor out = asStrided(ns, nst, offset + s * strides[d]);
        int[] inShape = shape.clone();
        int from = s;
        return Autograd.record("slice", out, new Tensor[] {this}, g -> {
            Tensor full = zeros(g.device(), inShape);
            full.slice(d, from, from + (g.size(d) - 1) * step + 1, step).copyFrom(g);
            return new Tensor[] {full};
        });
    }

    /** Removes dimension dim by taking index i (negative counts from the end). */
    public Tensor select(int dim, int index) {
        int d = Shapes.wrapDim("select", dim, shape.length);
        int i = index < 0 ? index + shape[d] : index;
        if (i < 0 || i >= shape[d])
            throw new IndexOutOfBoundsException("select: index " + index + " is out of bounds for dimension " + d + " with size " + shape[d]);
        return slice(d, i, i + 1, 1).squeeze(d);
    }

    /** Broadcasts size-1 dims (and new leading dims) to the given shape without copying; -1 keeps a size. */
    public Tensor expand(int... newShape) {
        if (newShape.length < shape.length)
            throw new IllegalArgumentException("expand: the number of sizes provided (" + newShape.length
                    + ") must be greater or equal to the number of dimensions in the tensor (" + shape.length + ")");
        int lead = newShape.length - shape.length;
        int[] s = new int[newShape.length], st = new int[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int target = newShape[i];
            if (i < lead) {
                if (target < 0) throw new IllegalArgumentException("expand: -1 is not allowed in a leading, non-existing dimension");
                s[i] = target;
                st[i] = 0;
            } else {
                int cur = shape[i - lead];
                if (target == -1) target = cur;
                if (cur != target && cur != 1)
                    throw new IllegalArgumentException("expand: the expanded size of the tensor (" + target + ") must match the existing size ("
                            + cur + ") at non-singleton dimension " + i + ". Target sizes: " + Shapes.str(newShape) + ". Tensor sizes: " + shapeString());
                s[i] = target;
                st[i] = cur == target ? strides[i - lead] : 0;
            }
        }
        if (Arrays.equals(s, shape)) return this;
        Tensor out = asStrided(s, st, offset);
        int[] original = shape.clone();
        return Autograd.record("expand", out, new Tensor[] {this}, g -> new Tensor[] {Reductions.sumToShape(g, original)});
    }

    public Tensor expandAs(Tensor other) {
        return expand(other.shape);
    }

    /** Removes every size-1 dimension. */
    public Tensor squeeze() {
        int[] keep = Arrays.stream(shape).filter(x -> x != 1).toArray();
        return keep.length == shape.length ? this : reshapeView(keep);
    }

    /** Removes dimension dim if its size is 1 (no-op otherwise, as PyTorch). */
    public Tensor squeeze(int dim) {
        int d = Shapes.wrapDim("squeeze", dim, shape.length);
        if (shape.length == 0 || shape[d] != 1) return this;
        int[] s = new int[shape.length - 1], st = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) { s[j] = shape[i]; st[j++] = strides[i]; }
        Tensor out = asStrided(s, st, offset);
        return Autograd.record("squeeze", out, new Tensor[] {this}, g -> new Tensor[] {g.unsqueeze(d)});
    }

    /** Inserts a size-1 dimension at dim (dim may equal the rank; negative counts from the end + 1). */
    public Tensor unsqueeze(int dim) {
        int d = Shapes.wrapDim("unsqueeze", dim, shape.length + 1);
        int[] s = new int[shape.length + 1], st = new int[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            if (i == d) {
                s[i] = 1;
                st[i] = j < shape.length ? strides[j] * shape[j] : 1;
            } else {
                s[i] = shape[j];
                st[i] = strides[j++];
            }
        }
        Tensor out = asStrided(s, st, offset);
        return Autograd.record("unsqueeze", out, new Tensor[] {this}, g -> new Tensor[] {g.squeeze(d)});
    }

    /** Flattens all dims into one. */
    public Tensor flatten() {
        return reshape(-1);
    }

    /** Flattens dims start..end (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) {
        int s = Shapes.wrapDim("flatten", startDim, shape.length), e = Shapes.wrapDim("flatten", endDim, shape.length);
        if (shape.length == 0) return reshape(1);
        if (s > e) throw new IllegalArgumentException("flatten: start_dim " + s + " cannot come after end_dim " + e);
        int[] ns = new int[shape.length - (e - s)];
        int k = 0, merged = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < s || i > e) ns[k++] = shape[i];
            else {
                merged *= shape[i];
                if (i == e) ns[k++] = merged;
            }
        }
        return reshape(ns);
    }

    private Tensor reshapeView(int[] s) {
        return reshape(s);
    }

    // =============================================================================================
    // in place (optimisers, initialisation): never recorded, refused on tensors in the graph
    // =============================================================================================

    private void checkInPlace(String op) {
        if (GradMode.isEnabled() && requiresGrad && isLeaf())
            throw new IllegalStateException(op + ": a leaf tensor that requires grad is being used in an in-place operation; wrap it in GradMode.noGrad()");
        if (gradFn != null && GradMode.isEnabled())
            throw new IllegalStateException(op + ": in-place update of a tensor that is part of the graph (" + gradFn + ")");
    }

    /** Copies (broadcasting) src's values into this tensor's memory. */
    public Tensor copyFrom(Tensor src) {
        checkInPlace("copyFrom");
        checkSameDevice("copyFrom", this, src);
        Tensor s = src.expand(shape);
        // a tensor copied onto itself (loadStateDict(stateDict()), say) is already there; device copies refuse the overlap
        if (s.buffer == buffer && s.offset == offset && Arrays.equals(s.strides, strides)) return this;
        backend().copy(s.kernelView(), kernelView());
        return this;
    }

    public Tensor fillInPlace(double value) {
        checkInPlace("fill");
        backend().fill(kernelView(), value);
        return this;
    }

    /** this += alpha * other. */
    public Tensor addInPlace(Tensor other, float alpha) {
        checkInPlace("add_");
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor rhs = alpha == 1f ? other : Elementwise.mul(other, alpha);
            Tensor sum = Elementwise.add(this, rhs);
            backend().copy(sum.kernelView(), kernelView());
        }
        return this;
    }

    public Tensor mulInPlace(float factor) {
        checkInPlace("mul_");
        backend().unary(UnaryOp.MUL_SCALAR, kernelView(), kernelView(), factor, 0f);
        return this;
    }

    // =============================================================================================
    // the short way to call the op families
    // =============================================================================================

    public Tensor add(Tensor o) { return Elementwise.add(this, o); }
    public Tensor add(float s) { return Elementwise.add(this, s); }
    public Tensor sub(Tensor o) { return Elementwise.sub(this, o); }
    public Tensor sub(float s) { return Elementwise.add(this, -s); }
    public Tensor mul(Tensor o) { return Elementwise.mul(this, o); }
    public Tensor mul(float s) { return Elementwise.mul(this, s); }
    public Tensor div(Tensor o) { return Elementwise.div(this, o); }
    public Tensor div(float s) { return Elementwise.mul(this, 1f / s); }
    public Tensor pow(float e) { return Elementwise.pow(this, e); }
    public Tensor pow(Tensor e) { return Elementwise.pow(this, e); }
    public Tensor neg() { return Elementwise.neg(this); }
    public Tensor abs() { return Elementwise.abs(this); }
    public Tensor exp() { return Elementwise.exp(this); }
    public Tensor log() { return Elementwise.log(this); }
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    public Tensor rsqrt() { return Elementwise.rsqrt(this); }
    public Tensor square() { return Elementwise.square(this); }
    public Tensor clamp(float min, float max) { return Elementwise.clamp(this, min, max); }
    public Tensor clampMin(float min) { return Elementwise.clamp(this, min, Float.POSITIVE_INFINITY); }
    public Tensor clampMax(float max) { return Elementwise.clamp(this, Float.NEGATIVE_INFINITY, max); }
    public Tensor maximum(Tensor o) { return Elementwise.maximum(this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.minimum(this, o); }
    public Tensor relu() { return Elementwise.relu(this); }
    public Tensor sigmoid() { return Elementwise.sigmoid(this); }
    public Tensor tanh() { return Elementwise.tanh(this); }
    public Tensor silu() { return Elementwise.silu(this); }
    public Tensor gelu() { return Elementwise.gelu(this); }
    public Tensor maskedFill(Tensor mask, float value) { return Elementwise.maskedFill(this, mask, value); }
    public Tensor eq(Tensor o) { return Elementwise.compare(BinaryOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return Elementwise.compare(BinaryOp.NE, this, o); }
    public Tensor lt(Tensor o) { return Elementwise.compare(BinaryOp.LT, this, o); }
    public Tensor le(Tensor o) { return Elementwise.compare(BinaryOp.LE, this, o); }
    public Tensor gt(Tensor o) { return Elementwise.compare(BinaryOp.GT, this, o); }
    public Tensor ge(Tensor o) { return Elementwise.compare(BinaryOp.GE, this, o); }
    public Tensor gt(float s) { return Elementwise.compare(BinaryOp.GT, this, scalarLike(s)); }
    public Tensor lt(float s) { return Elementwise.compare(BinaryOp.LT, this, scalarLike(s)); }

    public Tensor sum() { return Reductions.sum(this); }
    public Tensor sum(int dim, boolean keepdim) { return Reductions.sum(this, new int[] {dim}, keepdim); }
    public Tensor sum(int[] dims, boolean keepdim) { return Reductions.sum(this, dims, keepdim); }
    public Tensor mean() { return Reductions.mean(this); }
    public Tensor mean(int dim, boolean keepdim) { return Reductions.mean(this, new int[] {dim}, keepdim); }
    public Tensor mean(int[] dims, boolean keepdim) { return Reductions.mean(this, dims, keepdim); }
    public Tensor max() { return Reductions.max(this); }
    public Tensor min() { return Reductions.min(this); }
    public Tensor argmax(int dim, boolean keepdim) { return Reductions.argmax(this, dim, keepdim); }
    public Tensor argmin(int dim, boolean keepdim) { return Reductions.argmin(this, dim, keepdim); }

    public Tensor matmul(Tensor o) { return LinearAlgebra.matmul(this, o); }
    public Tensor bmm(Tensor o) { return LinearAlgebra.bmm(this, o); }

    public Tensor leakyRelu(float slope) { return Elementwise.leakyRelu(this, slope); }
    public Tensor geluTanh() { return Elementwise.geluTanh(this); }
    public Tensor softplus() { return Elementwise.softplus(this); }
    public Tensor where(Tensor cond, Tensor other) { return Elementwise.where(cond, this, other); }
    public Tensor var(int[] dims, int correction, boolean keepdim) { return Reductions.var(this, dims, correction, keepdim); }
    public Tensor std(int[] dims, int correction, boolean keepdim) { return Reductions.std(this, dims, correction, keepdim); }
    public Tensor logsumexp(int dim, boolean keepdim) { return Reductions.logsumexp(this, new int[] {dim}, keepdim); }
    public Tensor norm() { return Reductions.norm(this, 2, null, false); }
    public Tensor norm(double p, int[] dims, boolean keepdim) { return Reductions.norm(this, p, dims, keepdim); }
    public Tensor softmax(int dim) { return Softmax.softmax(this, dim); }
    public Tensor logSoftmax(int dim) { return Softmax.logSoftmax(this, dim); }
    public Tensor indexSelect(int dim, Tensor index) { return Indexing.indexSelect(this, dim, index); }
    public Tensor gather(int dim, Tensor index) { return Indexing.gather(this, dim, index); }

    /** A one-element tensor on this tensor's device. */
    Tensor scalarLike(float s) {
        return of(device(), new float[] {s});
    }

    static void checkSameDevice(String op, Tensor a, Tensor b) {
        if (!a.device().equals(b.device()))
            throw new IllegalArgumentException(op + ": expected all tensors to be on the same device, but found at least two devices, "
                    + a.device() + " and " + b.device());
    }

    static void checkSameDevice(String op, List<Tensor> tensors) {
        for (Tensor t : tensors) checkSameDevice(op, tensors.get(0), t);
    }

    // =============================================================================================
    // memory and printing
    // =============================================================================================

    /** Releases this tensor's buffer now (every view of it too). */
    @Override
    public void close() {
        buffer.close();
    }

    /** Keeps this tensor's memory alive past the innermost {@link MemoryScope}; returns this. */
    public Tensor keep() {
        MemoryScope scope = MemoryScope.current();
        if (scope != null) scope.keep(buffer);
        return this;
    }

    /**
     * The text PyTorch prints for this tensor ({@code str(t)}), e.g.
     * {@code tensor([ 1.5000, -2.2500], requires_grad=True)}: aligned rows, more than 1000 elements
     * elided with {@code ...}, dtype, device and autograd suffixes. See {@link TensorFormatter}.
     */
    @Override
    public String toString() {
        if (buffer.isClosed()) return "tensor(<released> " + shapeString() + ")";
        return TensorFormatter.format(this);
    }
}
