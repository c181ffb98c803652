/* vq4j device kernels for CUDA: the dialect header, the shared definitions, then every kernel
 * file of dev.vq4j.kernels.device.KernelSources.FILES in the same order. build-ptx.sh compiles
 * this file to PTX with -I pointing at kernels/src/main/resources/dev/vq4j/kernels/device.
 * A file added to KernelSources.FILES must be added here too (CudaPtxTest checks it). */
#include "dialect_cuda.h"
#include "common.h"
#include "elementwise.cl"
#include "reduce.cl"
#include "gemm.cl"
#include "conv.cl"
#include "pool.cl"
#include "index.cl"
#include "search.cl"
#include "norm.cl"
#include "attention.cl"
#include "optim.cl"
