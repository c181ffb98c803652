package dev.vq4j.kernels.reference;

import dev.vq4j.core.Parallel;
import dev.vq4j.core.ReduceOp;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;

import java.util.Arrays;

/** Reductions over trailing dims: one output element per task, sums in double, NaN-propagating max/min. */
final class ReferenceReduce {
    private ReferenceReduce() {}

    static void reduce(ReduceOp op, View x, int reducedDims, View out) {
        int rank = x.rank();
        int outerRank = rank - reducedDims;
        int[] outerShape = Arrays.copyOf(x.shape(), outerRank);
        int[] innerShape = Arrays.copyOfRange(x.shape(), outerRank, rank);
        int[] innerStrides = Arrays.copyOfRange(x.strides(), outerRank, rank);
        int outerCount = Shapes.numel(outerShape);
        int innerCount = Shapes.numel(innerShape);
        float[] src = ((HostBuffer) x.buffer()).floats();
        HostBuffer ob = (HostBuffer) out.buffer();
        Parallel.forRange(outerCount, innerCount, (from, to) -> {
            int[] innerCoord = new int[reducedDims];
            for (int o = from; o < to; o++) {
                int base = x.offset(), outOff = out.offset();
                for (int d = outerRank - 1, r = o; d >= 0; d--) {
                    int c = r % outerShape[d];
                    r /= outerShape[d];
                    base += c * x.strides()[d];
                    outOff += c * out.strides()[d];
                }
                Arrays.fill(innerCoord, 0);
                double sum = 0;
                float best = Float.NaN;
                long bestIndex = 0;
                boolean first = true;
                int off = base;
                for (int i = 0; i < innerCount; i++) {
                    float v = src[off];
                    switch (op) {
                        case SUM -> sum += v;
                        case MAX, ARGMAX -> {
                            // NaN wins and stays (first NaN), like torch.max / torch.argmax
                            if (first || (!Float.isNaN(best) && (v > best || Float.isNaN(v)))) { best = v; bestIndex = i; }
                        }
                        case MIN, ARGMIN -> {
                            if (first || (!Float.isNaN(best) && (v < best || Float.isNaN(v)))) { best = v; bestIndex = i; }
                        }
                    }
                    first = false;
                    for (int d = reducedDims - 1; d >= 0; d--) {
                        innerCoord[d]++;
                        off += innerStrides[d];
                        if (innerCoord[d] < innerShape[d]) break;
                        off -= innerStrides[d] * innerShape[d];
                        innerCoord[d] = 0;
                    }
                }
                switch (op) {
                    case SUM -> ob.floats()[outOff] = (float) sum;
                    case MAX, MIN -> ob.floats()[outOff] = innerCount == 0 ? Float.NaN : best;
                    case ARGMAX, ARGMIN -> ob.longs()[outOff] = bestIndex;
                }
            }
        });
    }
}
