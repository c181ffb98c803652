package dev.vq4j.kernels.device;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.Conv2dParams;
import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.PadMode;
import dev.vq4j.core.Pool2dParams;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.UpsampleMode;
import dev.vq4j.core.View;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * One ordinary call of each {@link Kernel} (float32, small odd sizes, sizes every device kernel
 * covers), prepared with the same inputs on the reference backend and on a device backend of a
 * {@link DeviceCheck}: what a test needs to check that {@code supports(kernel)} agrees with where the
 * call runs. Shared (test-jar) by the kernels module's tests and the OpenCL/CUDA kernel suites.
 */
public final class KernelCalls {
    private KernelCalls() {}

    /**
     * A prepared call: {@link #onReference} and {@link #onDevice} run the kernel once (inputs, and the
     * forward results a backward needs, are made by {@link #prepare}); {@link #outputs} are the pairs
     * to compare afterwards, within {@link #tolerance}.
     */
    public record Call(Kernel kernel, Runnable onReference, Runnable onDevice, List<View[]> outputs, double tolerance) {}

    /** The call of {@code kernel} on {@code c.ref} and {@code c.dev}. */
    public static Call prepare(Kernel kernel, DeviceCheck c) {
        return switch (kernel) {
            case COPY -> {
                View[] x = DeviceCheck.transpose(c.randn(4, 6), 0, 1), out = c.output(DType.FLOAT32, 6, 4);
                yield call(kernel, c, (b, i) -> b.copy(x[i], out[i]), 0, out);
            }
            case FILL -> {
                View[] out = zeros(c, DType.FLOAT32, 5, 7);
                yield call(kernel, c, (b, i) -> b.fill(out[i], 0.25), 0, out);
            }
            case UNARY -> {
                View[] x = c.randn(5, 7), out = c.output(DType.FLOAT32, 5, 7);
                yield call(kernel, c, (b, i) -> b.unary(UnaryOp.EXP, x[i], out[i], 0f, 0f), 1e-5, out);
            }
            case BINARY -> {
                View[] x = c.randn(5, 7), y = c.randn(5, 7), out = c.output(DType.FLOAT32, 5, 7);
                yield call(kernel, c, (b, i) -> b.binary(BinaryOp.MUL, x[i], y[i], out[i]), 1e-6, out);
            }
            case WHERE -> {
                View[] x = c.randn(5, 7), y = c.randn(5, 7), zero = zeros(c, DType.FLOAT32, 5, 7), cond = zeros(c, DType.BOOL, 5, 7);
                c.ref.binary(BinaryOp.GT, x[0], zero[0], cond[0]);
                c.dev.binary(BinaryOp.GT, x[1], zero[1], cond[1]);
                View[] out = c.output(DType.FLOAT32, 5, 7);
                yield call(kernel, c, (b, i) -> b.where(cond[i], x[i], y[i], out[i]), 0, out);
            }
            case REDUCE -> {
                View[] x = c.randn(3, 50), out = c.output(DType.FLOAT32, 3);
                yield call(kernel, c, (b, i) -> b.reduce(ReduceOp.SUM, x[i], 1, out[i]), 1e-5, out);
            }
            case MATMUL -> {
                View[] a = c.randn(2, 5, 7), w = c.randn(2, 7, 3), out = c.output(DType.FLOAT32, 2, 5, 3);
                yield call(kernel, c, (b, i) -> b.matmul(a[i], w[i], out[i]), 1e-4, out);
            }
            case CONV2D -> {
                View[] x = c.randn(2, 3, 9, 9), w = c.randn(4, 3, 3, 3), out = c.output(DType.FLOAT32, 2, 4, 9, 9);
                yield call(kernel, c, (b, i) -> b.conv2d(x[i], w[i], out[i], CONV), 1e-4, out);
            }
            case CONV2D_INPUT_GRAD -> {
                View[] g = c.randn(2, 4, 9, 9), w = c.randn(4, 3, 3, 3), out = c.output(DType.FLOAT32, 2, 3, 9, 9);
                yield call(kernel, c, (b, i) -> b.conv2dInputGrad(g[i], w[i], out[i], CONV), 1e-4, out);
            }
            case CONV2D_WEIGHT_GRAD -> {
                View[] x = c.randn(2, 3, 9, 9), g = c.randn(2, 4, 9, 9), out = c.output(DType.FLOAT32, 4, 3, 3, 3);
                yield call(kernel, c, (b, i) -> b.conv2dWeightGrad(x[i], g[i], out[i], CONV), 1e-4, out);
            }
            case MAX_POOL2D -> {
                View[] x = c.randn(2, 3, 8, 8), out = c.output(DType.FLOAT32, 2, 3, 4, 4), idx = c.output(DType.INT64, 2, 3, 4, 4);
                yield call(kernel, c, (b, i) -> b.maxPool2d(x[i], out[i], idx[i], POOL), 0, out, idx);
            }
            case AVG_POOL2D -> {
                View[] x = c.randn(2, 3, 8, 8), out = c.output(DType.FLOAT32, 2, 3, 4, 4);
                yield call(kernel, c, (b, i) -> b.avgPool2d(x[i], out[i], POOL), 1e-6, out);
            }
            case AVG_POOL2D_BACKWARD -> {
                View[] g = c.randn(2, 3, 4, 4), out = zeros(c, DType.FLOAT32, 2, 3, 8, 8);
                yield call(kernel, c, (b, i) -> b.avgPool2dBackward(g[i], out[i], POOL), 1e-6, out);
            }
            case UPSAMPLE2D -> {
                View[] x = c.randn(2, 3, 4, 5), out = c.output(DType.FLOAT32, 2, 3, 8, 10);
                yield call(kernel, c, (b, i) -> b.upsample2d(UpsampleMode.BILINEAR, false, x[i], out[i]), 1e-6, out);
            }
            case UPSAMPLE2D_BACKWARD -> {
                View[] g = c.randn(2, 3, 8, 10), out = zeros(c, DType.FLOAT32, 2, 3, 4, 5);
                yield call(kernel, c, (b, i) -> b.upsample2dBackward(UpsampleMode.BILINEAR, false, g[i], out[i]), 1e-5, out);
            }
            case PAD -> {
                View[] x = c.randn(2, 3, 4, 5), out = c.output(DType.FLOAT32, 2, 3, 6, 7);
                yield call(kernel, c, (b, i) -> b.pad(PadMode.REFLECT, PADS, 0f, x[i], out[i]), 0, out);
            }
            case PAD_BACKWARD -> {
                View[] g = c.randn(2, 3, 6, 7), out = zeros(c, DType.FLOAT32, 2, 3, 4, 5);
                yield call(kernel, c, (b, i) -> b.padBackward(PadMode.REFLECT, PADS, g[i], out[i]), 1e-6, out);
            }
            case INDEX_SELECT -> {
                View[] x = c.randn(6, 5), idx = c.randint(6, 4), out = c.output(DType.FLOAT32, 4, 5);
                yield call(kernel, c, (b, i) -> b.indexSelect(x[i], 0, idx[i], out[i]), 0, out);
            }
            case INDEX_ADD -> {
                View[] dst = c.randn(6, 5), idx = c.randint(6, 4), src = c.randn(4, 5);
                yield call(kernel, c, (b, i) -> b.indexAdd(dst[i], 0, idx[i], src[i]), 1e-6, dst);
            }
            case GATHER -> {
                View[] x = c.randn(6, 5), idx = c.randint(6, 4, 5), out = c.output(DType.FLOAT32, 4, 5);
                yield call(kernel, c, (b, i) -> b.gather(x[i], 0, idx[i], out[i]), 0, out);
            }
            case SCATTER_ADD -> {
                View[] dst = c.randn(6, 5), idx = c.randint(6, 4, 5), src = c.randn(4, 5);
                yield call(kernel, c, (b, i) -> b.scatterAdd(dst[i], 0, idx[i], src[i]), 1e-6, dst);
            }
            case NEAREST_CODES -> {
                View[] x = c.randn(10, 8), codes = c.randn(16, 8), idx = c.output(DType.INT64, 10, 3), dist = c.output(DType.FLOAT32, 10, 3);
                yield call(kernel, c, (b, i) -> b.nearestCodes(x[i], codes[i], 3, false, idx[i], dist[i]), 1e-5, idx, dist);
            }
            case ATTENTION -> {
                View[] q = c.randn(1, 2, 5, 8), k = c.randn(1, 2, 6, 8), v = c.randn(1, 2, 6, 8);
                View[] out = c.output(DType.FLOAT32, 1, 2, 5, 8), lse = c.output(DType.FLOAT32, 1, 2, 5);
                yield call(kernel, c, (b, i) -> b.attention(q[i], k[i], v[i], out[i], lse[i], 0.35f, false), 1e-4, out, lse);
            }
            case ATTENTION_BACKWARD -> {
                View[] q = c.randn(1, 2, 5, 8), k = c.randn(1, 2, 6, 8), v = c.randn(1, 2, 6, 8), g = c.randn(1, 2, 5, 8);
                View[] out = c.output(DType.FLOAT32, 1, 2, 5, 8), lse = c.output(DType.FLOAT32, 1, 2, 5);
                forward(c, (b, i) -> b.attention(q[i], k[i], v[i], out[i], lse[i], 0.35f, false));
                View[] gq = c.output(DType.FLOAT32, 1, 2, 5, 8), gk = c.output(DType.FLOAT32, 1, 2, 6, 8), gv = c.output(DType.FLOAT32, 1, 2, 6, 8);
                yield call(kernel, c, (b, i) -> b.attentionBackward(q[i], k[i], v[i], out[i], lse[i], g[i], gq[i], gk[i], gv[i], 0.35f, false),
                        1e-4, gq, gk, gv);
            }
            case GROUP_NORM -> {
                View[] x = c.randn(2, 4, 9), w = c.randn(4), bias = c.randn(4);
                View[] out = c.output(DType.FLOAT32, 2, 4, 9), mean = c.output(DType.FLOAT32, 2, 2), rstd = c.output(DType.FLOAT32, 2, 2);
                yield call(kernel, c, (b, i) -> b.groupNorm(x[i], w[i], bias[i], 2, 1e-5f, true, out[i], mean[i], rstd[i]), 1e-5, out, mean, rstd);
            }
            case GROUP_NORM_BACKWARD -> {
                View[] x = c.randn(2, 4, 9), w = c.randn(4), bias = c.randn(4), g = c.randn(2, 4, 9);
                View[] out = c.output(DType.FLOAT32, 2, 4, 9), mean = c.output(DType.FLOAT32, 2, 2), rstd = c.output(DType.FLOAT32, 2, 2);
                forward(c, (b, i) -> b.groupNorm(x[i], w[i], bias[i], 2, 1e-5f, true, out[i], mean[i], rstd[i]));
                View[] gx = c.output(DType.FLOAT32, 2, 4, 9), gw = c.output(DType.FLOAT32, 4), gb = c.output(DType.FLOAT32, 4);
                yield call(kernel, c, (b, i) -> b.groupNormBackward(x[i], w[i], bias[i], 2, true, mean[i], rstd[i], g[i], gx[i], gw[i], gb[i]),
                        1e-4, gx, gw, gb);
            }
            case SOFTMAX -> {
                View[] x = c.randn(3, 11), out = c.output(DType.FLOAT32, 3, 11);
                yield call(kernel, c, (b, i) -> b.softmax(x[i], out[i], false), 1e-5, out);
            }
            case SOFTMAX_BACKWARD -> {
                View[] x = c.randn(3, 11), y = c.output(DType.FLOAT32, 3, 11), g = c.randn(3, 11);
                forward(c, (b, i) -> b.softmax(x[i], y[i], true));
                View[] out = c.output(DType.FLOAT32, 3, 11);
                yield call(kernel, c, (b, i) -> b.softmaxBackward(y[i], g[i], out[i], true), 1e-5, out);
            }
            case ADAM_STEP -> {
                View[] p = c.randn(4, 6), g = c.randn(4, 6), m = c.randn(4, 6), v = c.randn(4, 6);
                c.ref.unary(UnaryOp.ABS, v[0], v[0], 0f, 0f); // a second moment is not negative
                c.dev.unary(UnaryOp.ABS, v[1], v[1], 0f, 0f);
                yield call(kernel, c, (b, i) -> b.adamStep(p[i], g[i], m[i], v[i], null, 1e-3, 0.9, 0.999, 1e-8, 0.01, true,
                        1e-3 / (1 - 0.9), Math.sqrt(1 - 0.999)), 1e-5, p, m, v);
            }
        };
    }

    private static final Conv2dParams CONV = new Conv2dParams(1, 1, 1, 1, 1, 1, 1);
    private static final Pool2dParams POOL = new Pool2dParams(2, 2, 2, 2, 0, 0, false, true);
    private static final int[] PADS = {1, 1, 1, 1};

    /** A pair of zero-filled views (the kernels that accumulate into their output want zeros, not NaN). */
    private static View[] zeros(DeviceCheck c, DType dtype, int... shape) {
        int n = Shapes.numel(shape);
        return new View[] {View.contiguous(c.ref.allocate(dtype, n), shape), View.contiguous(c.dev.allocate(dtype, n), shape)};
    }

    private static void forward(DeviceCheck c, BiConsumer<dev.vq4j.core.Backend, Integer> run) {
        run.accept(c.ref, 0);
        run.accept(c.dev, 1);
    }

    private static Call call(Kernel kernel, DeviceCheck c, BiConsumer<dev.vq4j.core.Backend, Integer> run, double tol, View[]... outputs) {
        return new Call(kernel, () -> run.accept(c.ref, 0), () -> run.accept(c.dev, 1), List.of(outputs), tol);
    }
}
