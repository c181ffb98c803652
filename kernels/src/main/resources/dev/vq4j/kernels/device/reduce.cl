/* Reductions over trailing dims (Backend.reduce, ReduceOp): op is ReduceOp's ordinal,
 * 0 SUM, 1 MAX, 2 MIN, 3 ARGMAX, 4 ARGMIN. Sums accumulate in double; MAX/MIN propagate NaN
 * (the first NaN wins); ARGMAX/ARGMIN give the row-major position inside the reduced block,
 * first occurrence on ties. Every order of combination is fixed, so results are deterministic.
 *
 * The leading dims come as a Strided `so` (with the view's offset), the reduced dims as a Strided
 * `si` (offset 0), each collapsed on the host where the strides allow it.
 *   reduce_f32_rows: one work item per output element, serial (short reduced blocks).
 *   reduce_f32_group: one work-group per (output element, chunk of the block), a shared tree
 *     reduction; with one chunk it writes the output, else a partial (value, index) pair as doubles.
 *   reduce_f32_finish: one work-group per output element combines its chunks' partials in order. */

#define RED_MAX_GROUP 256

/* Element offset of the reduced-block position i (fast path for a single collapsed dim). */
INLINE int red_inner_at(const Strided si, int i) {
    return si.rank == 1 ? i * si.strides[0] : strided_at(si, i);
}

/* Is candidate (a, ai) preferred over the current (b, bi)? Index < 0 means empty. op: 1/3 max, 2/4 min. */
INLINE int red_better(int op, float a, int ai, float b, int bi) {
    if (ai < 0) return 0;
    if (bi < 0) return 1;
    int an = a != a, bn = b != b;
    if (an || bn) return an && (!bn || ai < bi);
    if (a == b) return ai < bi;
    return (op == 1 || op == 3) ? a > b : a < b;
}

/* Writes the final value of one output element. */
INLINE void red_store(int op, double sum, float best, int bestIdx, GLOBAL float* outF, GLOBAL i64* outI, int off) {
    if (op == 0) outF[off] = (float) sum;
    else if (op == 1 || op == 2) outF[off] = bestIdx < 0 ? VQ_NAN : best;
    else outI[off] = bestIdx < 0 ? 0 : (i64) bestIdx;
}

KERNEL void reduce_f32_rows(GLOBAL const float* x, const Strided so, const Strided si, int innerCount, int op,
                            GLOBAL float* outF, GLOBAL i64* outI, const Strided sout, int outerCount) {
    int o = GID(0);
    if (o >= outerCount) return;
    int base = strided_at(so, o);
    double sum = 0;
    float best = 0;
    int bestIdx = -1;
    for (int i = 0; i < innerCount; i++) {
        float v = x[base + red_inner_at(si, i)];
        if (op == 0) sum += v;
        else if (red_better(op, v, i, best, bestIdx)) { best = v; bestIdx = i; }
    }
    red_store(op, sum, best, bestIdx, outF, outI, strided_at(sout, o));
}

/* Tree reduction of the work-group's (sum, best, index) triples in shared memory; the result is
 * in slot 0. The pairing of slots is fixed, so the sum's rounding does not depend on timing. */
#define RED_TREE(op, ssum, sval, sidx, lid, n) \
    for (int step = (n) / 2; step > 0; step /= 2) { \
        if ((lid) < step) { \
            if ((op) == 0) ssum[lid] += ssum[(lid) + step]; \
            else if (red_better(op, sval[(lid) + step], sidx[(lid) + step], sval[lid], sidx[lid])) { \
                sval[lid] = sval[(lid) + step]; sidx[lid] = sidx[(lid) + step]; \
            } \
        } \
        BARRIER(); \
    }

/* Group (GRP(0) = output element o, GRP(1) = chunk c) reduces positions [c*chunk, min((c+1)*chunk, innerCount)).
 * nChunks == 1: writes the output; else part[2*(o*nChunks + c)] = (value or sum, index). The local
 * size must be a power of two <= RED_MAX_GROUP. */
KERNEL void reduce_f32_group(GLOBAL const float* x, const Strided so, const Strided si, int innerCount, int chunk, int nChunks, int op,
                             GLOBAL float* outF, GLOBAL i64* outI, const Strided sout, GLOBAL double* part) {
    SHARED double ssum[RED_MAX_GROUP];
    SHARED float sval[RED_MAX_GROUP];
    SHARED int sidx[RED_MAX_GROUP];
    int lid = LID(0), n = LSIZE(0), o = GRP(0), c = GRP(1);
    int base = strided_at(so, o);
    int from = c * chunk, to = min(innerCount, from + chunk);
    double sum = 0;
    float best = 0;
    int bestIdx = -1;
    if (op == 0) {
        for (int i = from + lid; i < to; i += n) sum += x[base + red_inner_at(si, i)];
    } else {
        for (int i = from + lid; i < to; i += n) {
            float v = x[base + red_inner_at(si, i)];
            if (red_better(op, v, i, best, bestIdx)) { best = v; bestIdx = i; }
        }
    }
    ssum[lid] = sum;
    sval[lid] = best;
    sidx[lid] = bestIdx;
    BARRIER();
    RED_TREE(op, ssum, sval, sidx, lid, n)
    if (lid == 0) {
        if (nChunks == 1) red_store(op, ssum[0], sval[0], sidx[0], outF, outI, strided_at(sout, o));
        else {
            int p = 2 * (o * nChunks + c);
            part[p] = op == 0 ? ssum[0] : (double) sval[0];
            part[p + 1] = (double) sidx[0];
        }
    }
}

/* One group per output element o: combines the nChunks partials of reduce_f32_group. */
KERNEL void reduce_f32_finish(GLOBAL const double* part, int nChunks, int op,
                              GLOBAL float* outF, GLOBAL i64* outI, const Strided sout) {
    SHARED double ssum[RED_MAX_GROUP];
    SHARED float sval[RED_MAX_GROUP];
    SHARED int sidx[RED_MAX_GROUP];
    int lid = LID(0), n = LSIZE(0), o = GRP(0);
    double sum = 0;
    float best = 0;
    int bestIdx = -1;
    for (int c = lid; c < nChunks; c += n) {
        int p = 2 * (o * nChunks + c);
        if (op == 0) sum += part[p];
        else {
            float v = (float) part[p];
            int vi = (int) part[p + 1];
            if (red_better(op, v, vi, best, bestIdx)) { best = v; bestIdx = vi; }
        }
    }
    ssum[lid] = sum;
    sval[lid] = best;
    sidx[lid] = bestIdx;
    BARRIER();
    RED_TREE(op, ssum, sval, sidx, lid, n)
    if (lid == 0) red_store(op, ssum[0], sval[0], sidx[0], outF, outI, strided_at(sout, o));
}
