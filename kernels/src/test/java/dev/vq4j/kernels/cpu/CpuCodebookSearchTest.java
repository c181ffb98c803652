package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Backend;
import dev.vq4j.core.DType;
import dev.vq4j.core.Rng;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The cpu codebook search against the reference on random N, D, K (odd tails, tiny and large),
 * top-1 and top-k, L2 and cosine, contiguous and strided inputs. The fast kernel ranks by float
 * scores, so on random data an index may differ only where the reference's own gap is within float
 * rounding; integer-valued data makes every score exact, and there indices must agree exactly,
 * including exact ties (duplicated codes) going to the lowest index.
 */
class CpuCodebookSearchTest {
    private final Backend ref = new ReferenceBackend();
    private final Backend cpu = new CpuBackend();

    private record Result(long[] indices, float[] distances) {}

    /** Rows of a [rows, cols] matrix as a view: plain, transposed storage, or a strided slice with an offset. */
    private View matrix(Backend b, float[] rowMajor, int rows, int cols, int layout) {
        switch (layout % 3) {
            case 0:
                return View.contiguous(b.upload(rowMajor), rows, cols);
            case 1: { // column-major storage: strides [1, rows]
                float[] t = new float[rows * cols];
                for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = rowMajor[r * cols + c];
                return new View(b.upload(t), new int[]{rows, cols}, new int[]{1, rows}, 0);
            }
            default: { // every other row of a padded buffer, offset 3
                int stride = 2 * cols + 1;
                float[] s = new float[3 + rows * stride];
                Arrays.fill(s, Float.NaN);
                for (int r = 0; r < rows; r++) System.arraycopy(rowMajor, r * cols, s, 3 + r * stride, cols);
                return new View(b.upload(s), new int[]{rows, cols}, new int[]{stride, 1}, 3);
            }
        }
    }

    private Result run(Backend b, float[] x, float[] codes, int n, int d, int k, int topK, boolean cosine, int layout) {
        View xv = matrix(b, x, n, d, layout), cv = matrix(b, codes, k, d, layout + 1);
        View idx = View.contiguous(b.allocate(DType.INT64, n * topK), n, topK);
        View dist = View.contiguous(b.allocate(DType.FLOAT32, n * topK), n, topK);
        Arrays.fill(((HostBuffer) idx.buffer()).longs(), -1);
        Arrays.fill(((HostBuffer) dist.buffer()).floats(), Float.NaN);
        b.nearestCodes(xv, cv, topK, cosine, idx, dist);
        return new Result((long[]) b.download(idx), (float[]) b.download(dist));
    }

    private static float[] gaussian(Rng rng, int count, float scale) {
        float[] a = new float[count];
        for (int i = 0; i < count; i++) a[i] = (float) (rng.nextGaussian() * scale);
        return a;
    }

    /** Random floats: distances within float tolerance; indices equal wherever the reference ranking has a clear gap. */
    private void checkRandom(Rng rng, int n, int d, int k, int topK, boolean cosine, int layout) {
        float[] x = gaussian(rng, n * d, 1f), codes = gaussian(rng, k * d, 1f);
        String what = "n=" + n + " d=" + d + " k=" + k + " topK=" + topK + " cosine=" + cosine + " layout=" + layout;
        int refK = Math.min(k, topK + 1); // one more to see the gap after the last
        Result want = run(ref, x, codes, n, d, k, refK, cosine, layout);
        Result got = run(cpu, x, codes, n, d, k, topK, cosine, layout);
        double tol = 1e-5 * (cosine ? 1 : 2.0 * d + 10 * Math.sqrt(d)); // float rounding of scores ~ eps * (|x|^2 + |c|^2)
        for (int q = 0; q < n; q++) {
            for (int j = 0; j < topK; j++) {
                long gi = got.indices[q * topK + j], wi = want.indices[q * refK + j];
                float gd = got.distances[q * topK + j], wd = want.distances[q * refK + j];
                assertTrue(gi >= 0 && gi < k, what + ": index " + gi + " out of range at query " + q);
                if (Math.abs(gd - wd) > tol) fail(what + ": query " + q + " rank " + j + " distance " + gd + " (code " + gi + "), reference " + wd + " (code " + wi + ")");
                double gapBefore = j == 0 ? Double.POSITIVE_INFINITY : wd - want.distances[q * refK + j - 1];
                double gapAfter = j + 1 < refK ? want.distances[q * refK + j + 1] - wd : Double.POSITIVE_INFINITY;
                if (gapBefore > tol && gapAfter > tol && gi != wi)
                    fail(what + ": query " + q + " rank " + j + " picked code " + gi + ", reference " + wi + " (clear gap)");
            }
        }
    }

    /** Small-integer data: every float score is exact, so indices (ties included) and distances must match exactly. */
    private void checkExact(Rng rng, int n, int d, int k, int topK, boolean cosine, int layout) {
        float[] codes = new float[k * d];
        for (int i = 0; i < codes.length; i++) codes[i] = rng.nextLong(7) - 3;
        for (int c = 1; c < k; c += 3) { // many exact duplicates of earlier codes
            int src = (int) rng.nextLong(c);
            System.arraycopy(codes, src * d, codes, c * d, d);
        }
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextLong(9) - 4;
        String what = "exact n=" + n + " d=" + d + " k=" + k + " topK=" + topK + " cosine=" + cosine + " layout=" + layout;
        Result want = run(ref, x, codes, n, d, k, topK, cosine, layout);
        Result got = run(cpu, x, codes, n, d, k, topK, cosine, layout);
        if (!cosine) { // cosine normalises in float: only exact up to rounding, so compare L2 ties only
            for (int i = 0; i < want.indices.length; i++)
                if (want.indices[i] != got.indices[i])
                    fail(what + ": element " + i + " index " + got.indices[i] + ", reference " + want.indices[i]);
            assertEquals(Arrays.toString(want.distances), Arrays.toString(got.distances), what);
        } else {
            for (int i = 0; i < want.distances.length; i++) assertEquals(want.distances[i], got.distances[i], 1e-5, what);
        }
    }

    @Test
    void tiesGoToTheLowestIndex() {
        int d = 5, k = 70;
        float[] codes = new float[k * d];
        for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) codes[c * d + j] = 10 * c + j;
        System.arraycopy(codes, 3 * d, codes, 40 * d, d); // code 40 duplicates code 3
        System.arraycopy(codes, 3 * d, codes, 66 * d, d); // and so does code 66 (past a vector block)
        float[] x = Arrays.copyOfRange(codes, 3 * d, 4 * d);
        for (Backend b : new Backend[]{ref, cpu}) {
            Result r = run(b, x, codes, 1, d, k, 4, false, 0);
            assertEquals("[3, 40, 66, 2]", Arrays.toString(r.indices), b.name());
            assertEquals("[0.0, 0.0, 0.0, 500.0]", Arrays.toString(r.distances), b.name());
            Result one = run(b, x, codes, 1, d, k, 1, false, 2);
            assertEquals(3, one.indices[0], b.name());
        }
    }

    @Test
    void cosineDistanceIsOneMinusCosine() {
        float[] codes = {1, 0, 0, 2, 0, -3, 1, 1};
        float[] x = {0, 5, 0, 0};
        for (Backend b : new Backend[]{ref, cpu}) {
            Result r = run(b, x, codes, 2, 2, 4, 4, true, 0);
            assertEquals("[1, 3, 0, 2, 0, 1, 2, 3]", Arrays.toString(r.indices), b.name());
            assertEquals(0f, r.distances[0], 1e-6);
            assertEquals(1 - Math.sqrt(0.5), r.distances[1], 1e-6);
            assertEquals(1f, r.distances[2], 1e-6);
            assertEquals(2f, r.distances[3], 1e-6);
            assertEquals(1f, r.distances[4], 1e-6); // the zero query: every cosine is 0, ties by index
        }
    }

    @Test
    void randomShapesTop1() {
        Rng rng = new Rng(7);
        int[][] fixed = {{1, 1, 1}, {3, 1, 2000}, {65, 4, 512}, {130, 8, 1000}, {7, 3, 33}, {64, 32, 100}, {67, 64, 257}, {9, 256, 1030}, {5, 300, 31}, {200, 17, 1999}};
        int layout = 0;
        for (int[] s : fixed) for (boolean cos : new boolean[]{false, true}) checkRandom(rng, s[0], s[1], s[2], 1, cos, layout++);
        for (int t = 0; t < 25; t++) {
            int n = 1 + (int) rng.nextLong(150), d = 1 + (int) rng.nextLong(300), k = 1 + (int) rng.nextLong(2000);
            checkRandom(rng, n, d, k, 1, t % 4 == 3, t);
        }
    }

    @Test
    void randomShapesTopK() {
        Rng rng = new Rng(11);
        for (int t = 0; t < 20; t++) {
            int n = 1 + (int) rng.nextLong(100), d = 1 + (int) rng.nextLong(300), k = 1 + (int) rng.nextLong(2000);
            int topK = 1 + (int) rng.nextLong(Math.min(k, 12));
            checkRandom(rng, n, d, k, topK, t % 3 == 2, t);
        }
        checkRandom(rng, 10, 8, 20, 20, false, 0); // k = K: a full sort
    }

    @Test
    void exactScoresMatchIndexForIndex() {
        Rng rng = new Rng(13);
        int[][] shapes = {{70, 1, 9}, {66, 4, 520}, {129, 8, 1025}, {33, 32, 300}, {17, 65, 77}, {5, 256, 40}};
        int layout = 0;
        for (int[] s : shapes) {
            checkExact(rng, s[0], s[1], s[2], 1, false, layout++);
            checkExact(rng, s[0], s[1], s[2], 5, false, layout++);
            checkExact(rng, s[0], s[1], s[2], 3, true, layout++);
        }
    }
}
