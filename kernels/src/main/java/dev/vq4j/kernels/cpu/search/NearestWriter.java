package dev.vq4j.kernels.cpu.search;

import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

/**
 * Writes a top-1 squared-L2 result: the chosen index and its distance recomputed in double, exactly
 * as {@code ReferenceCodebookSearch.squaredL2} sums it (same order, same double arithmetic). Arrays,
 * offsets and strides are read once per call, so the per-query cost is the D-term sum and two stores.
 */
final class NearestWriter implements CodebookSearch.Sink {
    private final float[] xs, cs, dist;
    private final long[] idx;
    private final int xOff, xRow, xStep, cOff, cRow, cStep, dim, iOff, iRow, dOff, dRow;

    NearestWriter(View x, View codes, View outIndices, View outDistances) {
        xs = ((HostBuffer) x.buffer()).floats();
        cs = ((HostBuffer) codes.buffer()).floats();
        idx = ((HostBuffer) outIndices.buffer()).longs();
        dist = ((HostBuffer) outDistances.buffer()).floats();
        xOff = x.offset(); xRow = x.strides()[0]; xStep = x.strides()[1];
        cOff = codes.offset(); cRow = codes.strides()[0]; cStep = codes.strides()[1];
        dim = x.shape()[1];
        iOff = outIndices.offset(); iRow = outIndices.strides()[0];
        dOff = outDistances.offset(); dRow = outDistances.strides()[0];
    }

    @Override
    public void accept(int row, int[] indices) {
        int c = indices[0];
        int xi = xOff + row * xRow, ci = cOff + c * cRow;
        double s = 0;
        for (int j = 0; j < dim; j++, xi += xStep, ci += cStep) {
            double d = (double) xs[xi] - cs[ci];
            s += d * d;
        }
        idx[iOff + row * iRow] = c;
        dist[dOff + row * dRow] = (float) s;
    }
}
