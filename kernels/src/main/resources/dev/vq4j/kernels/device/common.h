/* Shared by every kernel file: a strided view passed by value (Strided.java writes it). */
typedef struct {
    int rank, offset;
    int shape[8], strides[8];
} Strided;

/* Element offset of the row-major linear index i of a view. */
INLINE int strided_at(const Strided s, int i) {
    int off = s.offset;
    for (int d = s.rank - 1; d >= 0; d--) {
        int n = s.shape[d];
        off += (i % n) * s.strides[d];
        i /= n;
    }
    return off;
}
