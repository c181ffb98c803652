package dev.vq4j.opencl;

import dev.vq4j.core.DType;
import dev.vq4j.core.PadMode;
import dev.vq4j.core.Pool2dParams;
import dev.vq4j.core.UpsampleMode;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import org.junit.jupiter.api.Test;

/**
 * max/avg pooling (and avg's adjoint), nearest/bilinear upsampling (and adjoint), constant/reflect/
 * replicate padding (and adjoint) against the reference, on odd sizes and transposed inputs.
 * Tolerances: max pool, nearest upsample and pad exact; avg pool and bilinear 1e-6; adjoints 1e-5.
 */
class OpenClPoolTest {
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 31);
    private double worstForward, worstBackward;

    /** randn [n, ch, h, w] as the transpose of a contiguous [n, ch, w, h]: non-contiguous H and W. */
    private View[] input(int n, int ch, int h, int w) {
        return DeviceCheck.transpose(c.randn(n, ch, w, h), 2, 3);
    }

    @Test
    void maxPoolWithTiesAndNaN() {
        // values on a coarse grid (ties), a few NaN
        int n = 2, ch = 3, h = 11, w = 13;
        float[] a = new float[n * ch * h * w];
        for (int i = 0; i < a.length; i++) a[i] = (float) Math.floor(c.rng.nextGaussian() * 2);
        for (int i = 7; i < a.length; i += 97) a[i] = Float.NaN;
        View[] x = DeviceCheck.transpose(c.upload(a, n, ch, w, h), 2, 3);
        for (Pool2dParams p : params(false)) {
            View[] out = c.output(DType.FLOAT32, n, ch, p.outH(h), p.outW(w)), idx = c.output(DType.INT64, n, ch, p.outH(h), p.outW(w));
            c.ref.maxPool2d(x[0], out[0], idx[0], p);
            c.dev.maxPool2d(x[1], out[1], idx[1], p);
            DeviceCheck.assertClose("max_pool " + p, out, 0);
            DeviceCheck.assertClose("max_pool indices " + p, idx, 0);
        }
    }

    @Test
    void avgPoolAndBackward() {
        int n = 2, ch = 3, h = 11, w = 9;
        View[] x = input(n, ch, h, w);
        for (Pool2dParams p : params(true)) {
            int oh = p.outH(h), ow = p.outW(w);
            View[] out = c.output(DType.FLOAT32, n, ch, oh, ow);
            c.ref.avgPool2d(x[0], out[0], p);
            c.dev.avgPool2d(x[1], out[1], p);
            worstForward = Math.max(worstForward, DeviceCheck.assertClose("avg_pool " + p, out, 1e-6));

            View[] g = DeviceCheck.transpose(c.randn(n, ch, ow, oh), 2, 3), gi = c.output(DType.FLOAT32, n, ch, h, w);
            c.ref.avgPool2dBackward(g[0], gi[0], p);
            c.dev.avgPool2dBackward(g[1], gi[1], p);
            worstBackward = Math.max(worstBackward, DeviceCheck.assertClose("avg_pool backward " + p, gi, 1e-5));
        }
        System.out.printf("avg_pool: worst forward %.3e, backward %.3e%n", worstForward, worstBackward);
    }

    /** kernel 2 and 3, stride 1 and 2, padding 0 and 1, ceil_mode, (avg) count_include_pad. */
    private static java.util.List<Pool2dParams> params(boolean both) {
        java.util.List<Pool2dParams> ps = new java.util.ArrayList<>();
        for (int k : new int[] {2, 3})
            for (int s : new int[] {1, 2})
                for (int pad = 0; pad <= 1; pad++)
                    for (boolean ceil : new boolean[] {false, true})
                        for (boolean cip : both ? new boolean[] {false, true} : new boolean[] {true})
                            ps.add(new Pool2dParams(k, k, s, s, pad, pad, ceil, cip));
        ps.add(new Pool2dParams(3, 2, 2, 1, 1, 0, true, false));   // rectangular
        return ps;
    }

    @Test
    void upsampleAndBackward() {
        int n = 2, ch = 3, h = 5, w = 7;
        int[][] sizes = {{10, 14}, {8, 17}, {5, 13}, {3, 4}, {1, 9}, {13, 7}, {31, 64}, {47, 3}};
        View[] x = input(n, ch, h, w);
        for (UpsampleMode mode : UpsampleMode.values()) {
            for (boolean align : new boolean[] {false, true}) {
                if (mode == UpsampleMode.NEAREST && align) continue;
                for (int[] s : sizes) {
                    String what = mode + (align ? " alignCorners " : " ") + h + "x" + w + " -> " + s[0] + "x" + s[1];
                    View[] out = c.output(DType.FLOAT32, n, ch, s[0], s[1]);
                    c.ref.upsample2d(mode, align, x[0], out[0]);
                    c.dev.upsample2d(mode, align, x[1], out[1]);
                    worstForward = Math.max(worstForward, DeviceCheck.assertClose("upsample " + what, out, 1e-6));

                    View[] g = DeviceCheck.transpose(c.randn(n, ch, s[1], s[0]), 2, 3), gi = c.randn(n, ch, h, w);  // adds into gi
                    c.ref.upsample2dBackward(mode, align, g[0], gi[0]);
                    c.dev.upsample2dBackward(mode, align, g[1], gi[1]);
                    worstBackward = Math.max(worstBackward, DeviceCheck.assertClose("upsample backward " + what, gi, 1e-5));
                }
            }
        }
        // from a single pixel, and down to one
        for (int[] hw : new int[][] {{1, 1}, {6, 1}}) {
            View[] x1 = c.randn(1, 2, hw[0], hw[1]);
            for (boolean align : new boolean[] {false, true}) {
                View[] out = c.output(DType.FLOAT32, 1, 2, 4, 3);
                c.ref.upsample2d(UpsampleMode.BILINEAR, align, x1[0], out[0]);
                c.dev.upsample2d(UpsampleMode.BILINEAR, align, x1[1], out[1]);
                DeviceCheck.assertClose("bilinear from " + hw[0] + "x" + hw[1], out, 1e-6);
                View[] g = c.randn(1, 2, 4, 3), gi = c.randn(1, 2, hw[0], hw[1]);
                c.ref.upsample2dBackward(UpsampleMode.BILINEAR, align, g[0], gi[0]);
                c.dev.upsample2dBackward(UpsampleMode.BILINEAR, align, g[1], gi[1]);
                DeviceCheck.assertClose("bilinear backward from " + hw[0] + "x" + hw[1], gi, 1e-5);
            }
        }
        System.out.printf("upsample: worst forward %.3e, backward %.3e%n", worstForward, worstBackward);
    }

    @Test
    void padEveryModeAndBackward() {
        int[] shape = {2, 5, 6, 7};
        View[] x = DeviceCheck.transpose(c.randn(2, 7, 6, 5), 1, 3);
        int[][] padSets = {{1, 2}, {2, 1, 1, 3}, {-1, 2, 0, -2}, {3, -2, -1, 4}, {1, 0, 2, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 1, 1}};
        for (PadMode mode : PadMode.values()) {
            for (int[] pads : padSets) {
                int[] os = shape.clone();
                for (int j = 0; j < pads.length / 2; j++) os[os.length - 1 - j] += pads[2 * j] + pads[2 * j + 1];
                String what = mode + " " + java.util.Arrays.toString(pads);
                View[] out = c.output(DType.FLOAT32, os);
                c.ref.pad(mode, pads, 0.5f, x[0], out[0]);
                c.dev.pad(mode, pads, 0.5f, x[1], out[1]);
                DeviceCheck.assertClose("pad " + what, out, 0);

                View[] g = c.randn(os), gi = DeviceCheck.transpose(c.randn(2, 6, 5, 7), 1, 2);  // adds into gi
                c.ref.padBackward(mode, pads, g[0], gi[0]);
                c.dev.padBackward(mode, pads, g[1], gi[1]);
                worstBackward = Math.max(worstBackward, DeviceCheck.assertClose("pad backward " + what, gi, 1e-5));
            }
        }
        System.out.printf("pad: worst backward %.3e%n", worstBackward);
    }
}
