/* Shared by every kernel file: a strided view passed by value (Strided.java writes it). */
typedef struct {
    int rank, offset;
    int shape[8], strides[8];
} Strided;

/* Element offset of the row-major linear index i of a view. The loop runs over all 8 possible dims
 * with a guard, so it unrolls and the struct stays in registers (a loop bounded by s.rank would
 * index shape[d] dynamically and spill the struct to a stack frame on CUDA). */
INLINE int strided_at(const Strided s, int i) {
    int off = s.offset;
#pragma unroll
    for (int d = 7; d >= 0; d--) {
        if (d < s.rank) {
            int n = s.shape[d];
            off += (i % n) * s.strides[d];
            i /= n;
        }
    }
    return off;
}
