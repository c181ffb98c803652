/* Indexing kernels over strided float views with an INT32 or INT64 index: index_select, index_add,
 * gather, scatter_add (ReferenceIndexing). One work item per element of the iterated view (out,
 * src or index); the accumulating kernels add with atomic_add_f, since repeated indices send
 * several sources to one destination (float atomics make the order, and so the last bits, vary).
 * An index outside [0, size) skips its element and sets err[0] = 1; the host reads that one int
 * and throws the reference's error naming the first bad index. */

#define INDEX_KERNELS(SUF, IT) \
/* out[.., i, ..] = x[.., index[i], ..]; index is 1-D. */ \
KERNEL void index_select_##SUF(GLOBAL const float* x, const Strided sx, GLOBAL const IT* index, const Strided si, \
                               GLOBAL float* out, const Strided so, int dim, GLOBAL int* err, int n) { \
    int t = GID(0); \
    if (t >= n) return; \
    int rem = t, xo = sx.offset, oo = so.offset; \
    for (int d = so.rank - 1; d >= 0; d--) { \
        int c = rem % so.shape[d]; \
        rem /= so.shape[d]; \
        oo += c * so.strides[d]; \
        if (d == dim) { \
            i64 v = (i64) index[si.offset + c * si.strides[0]]; \
            if (v < 0 || v >= sx.shape[d]) { err[0] = 1; return; } \
            xo += (int) v * sx.strides[d]; \
        } else { \
            xo += c * sx.strides[d]; \
        } \
    } \
    out[oo] = x[xo]; \
} \
/* dst[.., index[i], ..] += src[.., i, ..]; one work item per src element. */ \
KERNEL void index_add_##SUF(GLOBAL float* dst, const Strided sd, GLOBAL const IT* index, const Strided si, \
                            GLOBAL const float* src, const Strided ss, int dim, GLOBAL int* err, int n) { \
    int t = GID(0); \
    if (t >= n) return; \
    int rem = t, so = ss.offset, dof = sd.offset; \
    for (int d = ss.rank - 1; d >= 0; d--) { \
        int c = rem % ss.shape[d]; \
        rem /= ss.shape[d]; \
        so += c * ss.strides[d]; \
        if (d == dim) { \
            i64 v = (i64) index[si.offset + c * si.strides[0]]; \
            if (v < 0 || v >= sd.shape[d]) { err[0] = 1; return; } \
            dof += (int) v * sd.strides[d]; \
        } else { \
            dof += c * sd.strides[d]; \
        } \
    } \
    atomic_add_f(dst + dof, src[so]); \
} \
/* out[c] = x[c with c[dim] = index[c]]; out and index share a shape. */ \
KERNEL void index_gather_##SUF(GLOBAL const float* x, const Strided sx, GLOBAL const IT* index, const Strided si, \
                               GLOBAL float* out, const Strided so, int dim, GLOBAL int* err, int n) { \
    int t = GID(0); \
    if (t >= n) return; \
    int rem = t, xo = sx.offset, io = si.offset, oo = so.offset; \
    for (int d = so.rank - 1; d >= 0; d--) { \
        int c = rem % so.shape[d]; \
        rem /= so.shape[d]; \
        oo += c * so.strides[d]; \
        io += c * si.strides[d]; \
        if (d != dim) xo += c * sx.strides[d]; \
    } \
    i64 v = (i64) index[io]; \
    if (v < 0 || v >= sx.shape[dim]) { err[0] = 1; return; } \
    out[oo] = x[xo + (int) v * sx.strides[dim]]; \
} \
/* dst[c with c[dim] = index[c]] += src[c], c over index's shape. */ \
KERNEL void index_scatter_add_##SUF(GLOBAL float* dst, const Strided sd, GLOBAL const IT* index, const Strided si, \
                                    GLOBAL const float* src, const Strided ss, int dim, GLOBAL int* err, int n) { \
    int t = GID(0); \
    if (t >= n) return; \
    int rem = t, dof = sd.offset, io = si.offset, so = ss.offset; \
    for (int d = si.rank - 1; d >= 0; d--) { \
        int c = rem % si.shape[d]; \
        rem /= si.shape[d]; \
        io += c * si.strides[d]; \
        so += c * ss.strides[d]; \
        if (d != dim) dof += c * sd.strides[d]; \
    } \
    i64 v = (i64) index[io]; \
    if (v < 0 || v >= sd.shape[dim]) { err[0] = 1; return; } \
    atomic_add_f(dst + dof + (int) v * sd.strides[dim], src[so]); \
}

INDEX_KERNELS(i32, int)
INDEX_KERNELS(i64, i64)
