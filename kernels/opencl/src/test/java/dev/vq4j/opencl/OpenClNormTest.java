package dev.vq4j.opencl;

import dev.vq4j.core.DType;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import org.junit.jupiter.api.Test;

/**
 * Group norm (with and without weight, bias, fused silu) and softmax / log_softmax, forward and
 * backward, against the reference: odd channel and spatial sizes (groups of more and fewer elements
 * than a work-group, and groups split into several parts), 1 and 32 groups, strided inputs and
 * outputs, rows of length 1, 7 and 1000. Tolerances (per-element relative, DeviceCheck's floor):
 * 1e-5 forward, 1e-4 backward.
 */
class OpenClNormTest {
    static final double FWD = 1e-5, BWD = 1e-4;
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 31);

    /** {n, c, s, groups} */
    static final int[][] GN_SHAPES = {{2, 6, 17, 1}, {3, 35, 9, 5}, {2, 64, 300, 32}, {1, 7, 1, 7}, {2, 96, 45, 32}, {1, 3, 1000, 1},
            {1, 4, 20000, 2}, {1, 3, 9001, 1}};  // the last two: a group in several parts

    @Test
    void groupNormForwardAndBackward() {
        double worstF = 0, worstB = 0;
        for (int[] sh : GN_SHAPES)
            for (int variant = 0; variant < 4; variant++) {
                int n = sh[0], ch = sh[1], sp = sh[2], groups = sh[3];
                boolean withW = variant != 1, withB = variant >= 2, swish = variant % 2 == 1, strided = variant >= 2;
                String what = String.format("group norm n=%d c=%d s=%d groups=%d%s%s%s%s", n, ch, sp, groups,
                        withW ? " weight" : "", withB ? " bias" : "", swish ? " swish" : "", strided ? " strided" : "");
                // x [n, c, s]; strided: the [n, s, c] buffer seen through swapped strides
                View[] x = strided ? DeviceCheck.transpose(c.randn(n, sp, ch), 1, 2) : shift(c.randn(n, ch, sp), 3f);
                View[] w = withW ? c.randn(ch) : new View[2], b = withB ? c.randn(ch) : new View[2];
                View[] out = strided ? DeviceCheck.transpose(c.output(DType.FLOAT32, n, sp, ch), 1, 2) : c.output(DType.FLOAT32, n, ch, sp);
                View[] mean = c.output(DType.FLOAT32, n, groups), rstd = c.output(DType.FLOAT32, n, groups);
                c.ref.groupNorm(x[0], w[0], b[0], groups, 1e-5f, swish, out[0], mean[0], rstd[0]);
                c.dev.groupNorm(x[1], w[1], b[1], groups, 1e-5f, swish, out[1], mean[1], rstd[1]);
                worstF = Math.max(worstF, DeviceCheck.assertClose(what + " out", out, FWD));
                worstF = Math.max(worstF, DeviceCheck.assertClose(what + " mean", mean, FWD));
                worstF = Math.max(worstF, DeviceCheck.assertClose(what + " rstd", rstd, FWD));

                // backward from the same statistics on both sides
                View[] m = c.upload(c.ref.download(mean[0]), n, groups), r = c.upload(c.ref.download(rstd[0]), n, groups);
                View[] g = strided ? DeviceCheck.transpose(c.randn(n, sp, ch), 1, 2) : c.randn(n, ch, sp);
                View[] gx = c.output(DType.FLOAT32, n, ch, sp);
                View[] gw = variant == 3 ? new View[2] : c.output(DType.FLOAT32, ch), gb = withB ? c.output(DType.FLOAT32, ch) : new View[2];
                c.ref.groupNormBackward(x[0], w[0], b[0], groups, swish, m[0], r[0], g[0], gx[0], gw[0], gb[0]);
                c.dev.groupNormBackward(x[1], w[1], b[1], groups, swish, m[1], r[1], g[1], gx[1], gw[1], gb[1]);
                worstB = Math.max(worstB, DeviceCheck.assertClose(what + " gradX", gx, BWD));
                if (gw[0] != null) worstB = Math.max(worstB, DeviceCheck.assertClose(what + " gradWeight", gw, BWD));
                if (gb[0] != null) worstB = Math.max(worstB, DeviceCheck.assertClose(what + " gradBias", gb, BWD));
            }
        System.out.printf("group norm: worst error forward %.3g, backward %.3g%n", worstF, worstB);
    }

    @Test
    void softmaxForwardAndBackward() {
        double worstF = 0, worstB = 0;
        int[][] shapes = {{5, 1}, {4, 3, 7}, {6, 1000}, {3, 33}, {2, 257}};
        for (int[] shape : shapes)
            for (boolean strided : new boolean[] {false, true})
                for (boolean log : new boolean[] {false, true}) {
                    String what = (log ? "log_softmax " : "softmax ") + java.util.Arrays.toString(shape) + (strided ? " strided" : "");
                    View[] x = strided ? reversed(c.randn(reverse(shape))) : scaled(c.randn(shape), 4f);
                    View[] out = c.output(DType.FLOAT32, shape);
                    c.ref.softmax(x[0], out[0], log);
                    c.dev.softmax(x[1], out[1], log);
                    worstF = Math.max(worstF, DeviceCheck.assertClose(what, out, FWD));

                    View[] y = c.upload(c.ref.download(out[0]), shape);
                    if (strided) y = reversed(c.upload(c.ref.download(transposeAll(out[0])), reverse(shape)));
                    View[] g = strided ? reversed(c.randn(reverse(shape))) : c.randn(shape);
                    View[] gi = strided ? reversed(c.output(DType.FLOAT32, reverse(shape))) : c.output(DType.FLOAT32, shape);
                    c.ref.softmaxBackward(y[0], g[0], gi[0], log);
                    c.dev.softmaxBackward(y[1], g[1], gi[1], log);
                    worstB = Math.max(worstB, DeviceCheck.assertClose(what + " backward", gi, BWD));
                }
        System.out.printf("softmax: worst error forward %.3g, backward %.3g%n", worstF, worstB);
    }

    @Test
    void softmaxEdgeRows() {
        float inf = Float.POSITIVE_INFINITY;
        // a row with -inf entries, a row all -inf (NaN for softmax, as the reference), large logits
        float[] a = {0f, -inf, 3f, -inf, -inf, -inf, -inf, -inf, 80f, -90f, 85f, 1e-3f};
        for (int len : new int[] {4, 40}) {
            float[] rows = new float[3 * len];
            java.util.Arrays.fill(rows, -inf);
            for (int r = 0; r < 3; r++) System.arraycopy(a, 4 * r, rows, r * len, 4);
            for (boolean log : new boolean[] {false, true}) {
                View[] x = c.upload(rows, 3, len), out = c.output(DType.FLOAT32, 3, len);
                c.ref.softmax(x[0], out[0], log);
                c.dev.softmax(x[1], out[1], log);
                DeviceCheck.assertClose((log ? "log_softmax" : "softmax") + " edge rows, len " + len, out, FWD);
            }
        }
    }

    /** v + by: a mean well away from zero, so the statistics must not cancel. */
    private View[] shift(View[] v, float by) {
        float[] a = (float[]) c.ref.download(v[0]);
        for (int i = 0; i < a.length; i++) a[i] += by;
        return c.upload(a, v[0].shape());
    }

    private View[] scaled(View[] v, float k) {
        float[] a = (float[]) c.ref.download(v[0]);
        for (int i = 0; i < a.length; i++) a[i] *= k;
        return c.upload(a, v[0].shape());
    }

    static int[] reverse(int[] shape) {
        int[] r = new int[shape.length];
        for (int i = 0; i < shape.length; i++) r[i] = shape[shape.length - 1 - i];
        return r;
    }

    /** The view with all dims reversed (a full transpose): last dim gets the largest stride. */
    static View[] reversed(View[] v) {
        View[] out = new View[2];
        for (int i = 0; i < 2; i++) out[i] = transposeAll(v[i]);
        return out;
    }

    static View transposeAll(View v) {
        return new View(v.buffer(), reverse(v.shape()), reverse(v.strides()), v.offset());
    }
}
