package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Buffer;
import dev.vq4j.core.DType;
import dev.vq4j.core.Device;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.Rng;
import dev.vq4j.core.View;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Host kernels give bit-identical results from run to run at a thread count (docs/ARCHITECTURE.md, "Threads and determinism"). */
class CpuDeterminismTest {
    private int before;
    private final Backend cpu = Backends.get(Device.CPU);

    @BeforeEach
    void remember() {
        before = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(before);
    }

    private static float[] data(long seed, int n) {
        Rng r = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * Math.exp(6 * r.nextDouble()));
        return v;
    }

    /** Sums over the trailing dim of a [rows, cols] tensor read transposed from a [cols, rows] buffer (strided). */
    private float[] sum(Backend b, float[] values, int rows, int cols) {
        Buffer in = b.upload(values);
        View transposed = new View(in, new int[] {rows, cols}, new int[] {1, rows}, 0);
        Buffer out = b.allocate(DType.FLOAT32, rows);
        b.reduce(ReduceOp.SUM, transposed, 1, View.contiguous(out, rows));
        return (float[]) b.download(View.contiguous(out, rows));
    }

    private float[] matmul(Backend b, float[] x, float[] y, int m, int k, int n) {
        Buffer out = b.allocate(DType.FLOAT32, m * n);
        b.matmul(View.contiguous(b.upload(x), 1, m, k), View.contiguous(b.upload(y), 1, k, n), View.contiguous(out, 1, m, n));
        return (float[]) b.download(View.contiguous(out, m * n));
    }

    private static void assertBitIdentical(float[] a, float[] b, String what) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++)
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), what + " element " + i);
    }

    @Test
    void sumIsBitIdenticalAcrossRunsAtTheSameThreadCount() {
        int rows = 257, cols = 4099;
        float[] v = data(1, rows * cols);
        for (int threads : new int[] {2, 3}) {
            Parallel.setThreads(threads);
            float[] first = sum(cpu, v, rows, cols);
            for (int run = 0; run < 10; run++) assertBitIdentical(first, sum(cpu, v, rows, cols), threads + " threads, run " + run);
        }
    }

    @Test
    void sumAgreesAcrossThreadCountsAndWithTheReference() {
        // each output element is one task's double-precision loop, so the thread count cannot change it
        int rows = 129, cols = 3001;
        float[] v = data(2, rows * cols);
        Parallel.setThreads(1);
        float[] one = sum(cpu, v, rows, cols);
        float[] reference = sum(Backends.get(Device.REFERENCE), v, rows, cols);
        Parallel.setThreads(4);
        assertBitIdentical(one, sum(cpu, v, rows, cols), "1 vs 4 threads");
        assertBitIdentical(one, reference, "cpu vs reference");
        double exact = 0;
        for (int c = 0; c < cols; c++) exact += v[c * rows + 5];
        assertEquals((float) exact, one[5], 0f, "double accumulation rounded once");
    }

    @Test
    void matmulIsBitIdenticalAcrossRuns() {
        int m = 67, k = 129, n = 45;
        float[] x = data(3, m * k), y = data(4, k * n);
        Parallel.setThreads(2);
        float[] first = matmul(cpu, x, y, m, k, n);
        for (int run = 0; run < 5; run++) assertBitIdentical(first, matmul(cpu, x, y, m, k, n), "run " + run);
    }

    /**
     * The kernels with exp inside (softmax, group norm + swish, attention) give the same bits before
     * and after the JIT compiles them: the first call runs interpreted, the last ones C2-compiled.
     */
    @Test
    void expKernelsGiveTheSameBitsInterpretedAndCompiled() {
        int rows = 128, cols = 128; // as many elements as a [1, 64, 16, 16] feature map
        float[] x = data(21, rows * cols), w = data(22, 64), bias = data(23, 64);
        float[] first = null;
        for (int rep = 0; rep < 200; rep++) {
            Buffer sm = cpu.allocate(DType.FLOAT32, rows * cols), gn = cpu.allocate(DType.FLOAT32, rows * cols);
            Buffer att = cpu.allocate(DType.FLOAT32, rows * cols), lse = cpu.allocate(DType.FLOAT32, rows);
            Buffer mean = cpu.allocate(DType.FLOAT32, 32), rstd = cpu.allocate(DType.FLOAT32, 32);
            View in = View.contiguous(cpu.upload(x), rows, cols);
            cpu.softmax(in, View.contiguous(sm, rows, cols), false);
            View img = View.contiguous(cpu.upload(x), 1, 64, 16, 16);
            cpu.groupNorm(img, View.contiguous(cpu.upload(w), 64), View.contiguous(cpu.upload(bias), 64), 32, 1e-6f, true,
                    View.contiguous(gn, 1, 64, 16, 16), View.contiguous(mean, 1, 32), View.contiguous(rstd, 1, 32));
            View q = View.contiguous(cpu.upload(x), 1, 1, rows, cols);
            cpu.attention(q, q, q, View.contiguous(att, 1, 1, rows, cols), View.contiguous(lse, 1, 1, rows), 0.1f, false);
            float[] now = new float[3 * rows * cols];
            System.arraycopy((float[]) cpu.download(View.contiguous(sm, rows * cols)), 0, now, 0, rows * cols);
            System.arraycopy((float[]) cpu.download(View.contiguous(gn, rows * cols)), 0, now, rows * cols, rows * cols);
            System.arraycopy((float[]) cpu.download(View.contiguous(att, rows * cols)), 0, now, 2 * rows * cols, rows * cols);
            if (first == null) first = now;
            else if (rep % 40 == 0 || rep == 199) assertBitIdentical(first, now, "softmax | group norm + swish | attention, repetition " + rep);
        }
    }
}
