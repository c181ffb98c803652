/* vq4j device kernels: the OpenCL C side of the dialect. Every *.cl file in this folder is written
 * against these macros, so one source serves OpenCL (built at run time) and CUDA (dialect_cuda.h,
 * compiled to PTX by nvcc). */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define KERNEL __kernel
#define GLOBAL __global
#define SHARED __local
#define CONSTANT_ARG const
#define INLINE inline
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define GID(d) ((int) get_global_id(d))
#define LID(d) ((int) get_local_id(d))
#define GRP(d) ((int) get_group_id(d))
#define LSIZE(d) ((int) get_local_size(d))
#define NGRP(d) ((int) get_num_groups(d))
typedef long i64;
typedef uchar u8;
#define VQ_NAN NAN
#define VQ_INF INFINITY

/* OpenCL 1.2 has no float atomics: add by compare-and-swap on the bits. */
INLINE void atomic_add_f(volatile GLOBAL float* p, float v) {
    union { unsigned int u; float f; } old, upd;
    do {
        old.f = *p;
        upd.f = old.f + v;
    } while (atomic_cmpxchg((volatile GLOBAL unsigned int*) p, old.u, upd.u) != old.u);
}
