package dev.vq4j.opencl;

import dev.vq4j.core.DType;
import dev.vq4j.core.View;
import dev.vq4j.kernels.device.DeviceCheck;
import org.junit.jupiter.api.Test;

/**
 * Batched SGEMM (gemm.cl) against the reference: sizes that are not multiples of the 64x64x16
 * tile, transposed and broadcast (stride 0) operands, a strided output, and long K (split K).
 * Tolerance 1e-4 per element relative to max(|ref|, 1e-2 max|ref|): the device sums in float, the
 * reference in double.
 */
class OpenClGemmTest {
    static final double TOL = 1e-4;
    private final DeviceCheck c = new DeviceCheck(OpenClTesting.backend(), 21);

    @Test
    void oddSizes() {
        int[] sizes = {1, 7, 33, 65, 130};
        double worst = 0;
        for (int m : sizes)
            for (int n : sizes)
                for (int k : new int[] {1, 7, 33, 130}) worst = Math.max(worst, check("m" + m + " n" + n + " k" + k, c.randn(2, m, k), c.randn(2, k, n), false));
        System.out.println("gemm odd sizes: worst error " + worst);
    }

    @Test
    void transposedOperands() {
        double worst = 0;
        for (int[] s : new int[][] {{65, 33, 130}, {7, 130, 33}, {130, 65, 1}}) {
            int m = s[0], k = s[1], n = s[2];
            View[] aT = DeviceCheck.transpose(c.randn(3, k, m), 1, 2), bT = DeviceCheck.transpose(c.randn(3, n, k), 1, 2);
            View[] a = c.randn(3, m, k), b = c.randn(3, k, n);
            worst = Math.max(worst, check("aT " + m + "x" + k + "x" + n, aT, b, false));
            worst = Math.max(worst, check("bT " + m + "x" + k + "x" + n, a, bT, false));
            worst = Math.max(worst, check("aT bT " + m + "x" + k + "x" + n, aT, bT, true));
            /* batch dimension innermost in memory: a [M,B,K] read as [B,M,K] */
            View[] aMid = DeviceCheck.transpose(c.randn(m, 3, k), 0, 1);
            worst = Math.max(worst, check("a batch-inner " + m + "x" + k + "x" + n, aMid, b, true));
        }
        System.out.println("gemm transposed: worst error " + worst);
    }

    @Test
    void broadcastBatches() {
        double worst = 0;
        View[] a1 = c.randn(1, 33, 65), b1 = c.randn(1, 65, 130);
        View[] a = OpenClElementwiseTest.expand(a1, 4, 33, 65), b = OpenClElementwiseTest.expand(b1, 4, 65, 130);
        worst = Math.max(worst, check("broadcast a", a, c.randn(4, 65, 130), false));
        worst = Math.max(worst, check("broadcast b", c.randn(4, 33, 65), b, false));
        worst = Math.max(worst, check("broadcast both, bT", a, DeviceCheck.transpose(OpenClElementwiseTest.expand(c.randn(1, 130, 65), 4, 130, 65), 1, 2), true));
        /* a row broadcast along m (stride 0 inside the matrix) */
        View[] row = OpenClElementwiseTest.expand(c.randn(2, 1, 33), 2, 7, 33);
        worst = Math.max(worst, check("row broadcast", row, c.randn(2, 33, 9), false));
        System.out.println("gemm broadcast: worst error " + worst);
    }

    /** Few output tiles and a long K: K is split over several work-groups and the partial sums added. */
    @Test
    void longKSplits() {
        double worst = 0;
        worst = Math.max(worst, check("7x2000x7", c.randn(1, 7, 2000), c.randn(1, 2000, 7), false));
        worst = Math.max(worst, check("aT 65x1500x33 batch 3", DeviceCheck.transpose(c.randn(3, 1500, 65), 1, 2), c.randn(3, 1500, 33), true));
        worst = Math.max(worst, check("130x777x1", c.randn(2, 130, 777), c.randn(2, 777, 1), false));
        System.out.println("gemm split K: worst error " + worst);
    }

    @Test
    void emptyK() {
        View[] a = c.upload(new float[0], 2, 5, 0), b = c.upload(new float[0], 2, 0, 3);
        check("k0", a, b, false);
    }

    /** Multiplies on both backends into a NaN-filled output (transposed in memory when asked) and compares. */
    private double check(String what, View[] a, View[] b, boolean transposedOut) {
        int batch = a[0].shape()[0], m = a[0].shape()[1], n = b[0].shape()[2];
        View[] out = transposedOut ? DeviceCheck.transpose(c.output(DType.FLOAT32, batch, n, m), 1, 2) : c.output(DType.FLOAT32, batch, m, n);
        c.ref.matmul(a[0], b[0], out[0]);
        c.dev.matmul(a[1], b[1], out[1]);
        return DeviceCheck.assertClose("matmul " + what, out, TOL);
    }
}
