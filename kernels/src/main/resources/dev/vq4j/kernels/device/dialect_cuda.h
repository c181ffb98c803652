/* vq4j device kernels: the CUDA side of the dialect (see dialect_opencl.h). nvcc compiles
 * vq4j.cu, which includes this file and then every *.cl kernel file, to PTX. */
#define KERNEL extern "C" __global__
#define GLOBAL
#define SHARED __shared__
#define CONSTANT_ARG const
#define INLINE __device__ __forceinline__
#define BARRIER() __syncthreads()
__device__ __forceinline__ int vq_gid(int d) {
    return d == 0 ? (int) (blockIdx.x * blockDim.x + threadIdx.x)
         : d == 1 ? (int) (blockIdx.y * blockDim.y + threadIdx.y) : (int) (blockIdx.z * blockDim.z + threadIdx.z);
}
__device__ __forceinline__ int vq_lid(int d) { return d == 0 ? (int) threadIdx.x : d == 1 ? (int) threadIdx.y : (int) threadIdx.z; }
__device__ __forceinline__ int vq_grp(int d) { return d == 0 ? (int) blockIdx.x : d == 1 ? (int) blockIdx.y : (int) blockIdx.z; }
__device__ __forceinline__ int vq_lsize(int d) { return d == 0 ? (int) blockDim.x : d == 1 ? (int) blockDim.y : (int) blockDim.z; }
__device__ __forceinline__ int vq_ngrp(int d) { return d == 0 ? (int) gridDim.x : d == 1 ? (int) gridDim.y : (int) gridDim.z; }
#define GID(d) vq_gid(d)
#define LID(d) vq_lid(d)
#define GRP(d) vq_grp(d)
#define LSIZE(d) vq_lsize(d)
#define NGRP(d) vq_ngrp(d)
typedef long long i64;
typedef unsigned char u8;
typedef unsigned int uint;
#define VQ_NAN __int_as_float(0x7fffffff)
#define VQ_INF __int_as_float(0x7f800000)
__device__ __forceinline__ void atomic_add_f(float* p, float v) { atomicAdd(p, v); }
