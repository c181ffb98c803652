package dev.vq4j.kernels.device;

import dev.vq4j.core.DType;
import dev.vq4j.core.Kernel;
import dev.vq4j.core.View;

import java.util.EnumSet;
import java.util.Set;

/**
 * Fused flash-style attention, forward and backward (attention.cl), FLOAT32, any strides, head dims
 * d and dv up to {@link #MAX_HEAD_DIM}; larger head dims or other dtypes fall back to the host.
 * The forward keeps a query block per work-group and streams K/V tiles (online softmax); the
 * backward is FlashAttention-2's: D = rowsum(dO ∘ O), then dK and dV per key block and, in a
 * second deterministic pass instead of atomics, dQ per query block, with P recomputed from logsumexp.
 */
final class DeviceAttention {
    static final Set<Kernel> NATIVE = EnumSet.of(Kernel.ATTENTION, Kernel.ATTENTION_BACKWARD);
    /** Largest d and dv with a device kernel. */
    static final int MAX_HEAD_DIM = 128;
    private static final int THREADS = 256;

    private DeviceAttention() {}

    /** The kernel instance for the larger head dim: 32, 64 or 128 (0: none). */
    private static int dmax(int d, int dv) {
        int m = Math.max(d, dv);
        return m <= 32 ? 32 : m <= 64 ? 64 : m <= MAX_HEAD_DIM ? 128 : 0;
    }

    /** Whether float32 attention with head sizes d and dv runs on the device (else on the host). */
    static boolean hasKernel(int d, int dv) {
        return dmax(d, dv) != 0;
    }

    private static boolean floats(View... views) {
        for (View v : views) if (v.dtype() != DType.FLOAT32) return false;
        return true;
    }

    static boolean forward(DeviceKernelBackend be, View q, View k, View v, View out, View logsumexp, float scale, boolean causal) {
        if (!floats(q, k, v, out, logsumexp) || q.rank() != 4) return false;
        int b = q.shape()[0], h = q.shape()[1], lq = q.shape()[2], d = q.shape()[3], lk = k.shape()[2], dv = v.shape()[3];
        int dmax = dmax(d, dv);
        if (dmax == 0) return false;
        if (b * h == 0 || lq == 0) return true;
        int bq = switch (dmax) { case 32 -> 128; case 64 -> 64; default -> 32; };
        long blocks = (lq + bq - 1) / bq;
        be.api().launch("attn_fwd_d" + dmax, new long[] {blocks * THREADS, b * h}, new long[] {THREADS, 1},
                be.arg(q), Strided.of(q), be.arg(k), Strided.of(k), be.arg(v), Strided.of(v), be.arg(out), Strided.of(out),
                be.arg(logsumexp), Strided.of(logsumexp), h, lq, lk, d, dv, scale, causal ? 1 : 0);
        return true;
    }

    static boolean backward(DeviceKernelBackend be, View q, View k, View v, View out, View logsumexp, View gradOut,
                            View gradQ, View gradK, View gradV, float scale, boolean causal) {
        if (!floats(q, k, v, out, logsumexp, gradOut, gradQ, gradK, gradV) || q.rank() != 4) return false;
        int b = q.shape()[0], h = q.shape()[1], lq = q.shape()[2], d = q.shape()[3], lk = k.shape()[2], dv = v.shape()[3];
        int dmax = dmax(d, dv);
        if (dmax == 0) return false;
        if (b * h == 0) return true;
        int bt = dmax == 128 ? 16 : 32;
        int rows = b * h * lq;
        try (DeviceBuffer dBuf = be.allocateUninitialised(DType.FLOAT32, Math.max(1, rows))) {
            be.launch1d("attn_bwd_dot", rows, be.arg(out), Strided.of(out), be.arg(gradOut), Strided.of(gradOut), dBuf, h, lq, dv, rows);
            Object[] tail = {h, lq, lk, d, dv, scale, causal ? 1 : 0};
            if (lk > 0)
                be.api().launch("attn_bwd_kv_d" + dmax, new long[] {(long) (lk + bt - 1) / bt * THREADS, b * h}, new long[] {THREADS, 1},
                        concat(inputs(be, q, k, v, logsumexp, gradOut, dBuf),
                                new Object[] {be.arg(gradK), Strided.of(gradK), be.arg(gradV), Strided.of(gradV)}, tail));
            if (lq > 0)
                be.api().launch("attn_bwd_q_d" + dmax, new long[] {(long) (lq + bt - 1) / bt * THREADS, b * h}, new long[] {THREADS, 1},
                        concat(inputs(be, q, k, v, logsumexp, gradOut, dBuf), new Object[] {be.arg(gradQ), Strided.of(gradQ)}, tail));
        }
        return true;
    }

    /** The leading arguments of both backward kernels (fresh Strided buffers per launch). */
    private static Object[] inputs(DeviceKernelBackend be, View q, View k, View v, View lse, View gradOut, DeviceBuffer dBuf) {
        return new Object[] {be.arg(q), Strided.of(q), be.arg(k), Strided.of(k), be.arg(v), Strided.of(v),
                be.arg(lse), Strided.of(lse), be.arg(gradOut), Strided.of(gradOut), dBuf};
    }

    private static Object[] concat(Object[]... parts) {
        int n = 0;
        for (Object[] p : parts) n += p.length;
        Object[] all = new Object[n];
        int i = 0;
        for (Object[] p : parts) {
            System.arraycopy(p, 0, all, i, p.length);
            i += p.length;
        }
        return all;
    }
}
