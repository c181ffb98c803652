package dev.vq4j.core;

/**
 * The contract between the tensor layer and the code that touches memory: allocate, copy in and
 * out, and a small set of kernels from which every tensor op is built. A GPU backend implements
 * the same methods with its buffers living on the device; nothing here assumes host memory.
 *
 * <p>There are 29 kernels, one per {@link Kernel} value: data movement (copy, fill), elementwise
 * (unary, binary, where), reduce, matmul, convolution (conv2d and its two gradients), pooling,
 * resampling and padding with their adjoints, indexing (indexSelect, indexAdd, gather, scatterAdd),
 * the fused kernels (nearestCodes, attention, groupNorm, softmax and their backwards) and adamStep.
 *
 * <p>Conventions shared by every kernel:
 * <ul>
 *   <li>Inputs are {@link View}s with arbitrary strides (0 for broadcast dims); outputs are views too,
 *       usually contiguous, and never alias an input unless the method says so.</li>
 *   <li>Shapes have been checked by the caller: a kernel may assume they agree.</li>
 *   <li>Every backend runs every kernel. {@link #supports} says whether it runs a kernel with code of
 *       its own; a kernel it does not support natively runs on its fallback ({@link #describeFallback}),
 *       with the same result up to the tolerances the kernel tests state.</li>
 *   <li>Results are bit-identical from run to run at the same thread count, except the device
 *       backends' indexAdd and scatterAdd, which accumulate with float atomics.</li>
 * </ul>
 */
public interface Backend {

    /** Short name: {@code reference}, {@code cpu}, {@code opencl}, {@code cuda}. */
    String name();

    Device device();

    /** Higher wins when the user asks for {@code auto}. */
    default int priority() {
        return 0;
    }

    /** One line saying what hardware and which code path, for logs and test reports. */
    default String describe() {
        return name();
    }

    /**
     * Whether this backend runs {@code kernel} with code of its own ("natively"): the reference backend
     * every kernel; the cpu backend the kernels it has Vector API code for; a device backend the kernels
     * it launches a device kernel for. A call of a kernel this answers {@code false} for still works: the
     * backend hands it to its fallback ({@link #describeFallback}). A native kernel may still hand over
     * single calls its code does not cover (another dtype, a rare size); the backend says which.
     */
    boolean supports(Kernel kernel);

    /**
     * What runs the kernels this backend does not {@linkplain #supports support} natively, in words for
     * {@code vq4j info}; null when there is nothing to fall back to (the reference backend).
     */
    default String describeFallback() {
        return null;
    }

    // ---- memory ---------------------------------------------------------------------------------

    /** A zero-filled buffer, registered with the current {@link MemoryScope}. */
    Buffer allocate(DType dtype, int numel);

    /** Copies a host array ({@code float[]}, {@code int[]}, {@code long[]} or {@code boolean[]}) into a new buffer. */
    Buffer upload(Object hostArray);

    /**
     * Copies the elements of a view, in row-major order, into a new host array of the view's dtype
     * ({@code float[]}, {@code int[]}, {@code long[]} or {@code boolean[]}).
     */
    Object download(View view);

    // ---- data movement --------------------------------------------------------------------------

    /** {@code dst[i] = (dst dtype) src[i]} for same-shaped views; converts between dtypes. */
    void copy(View src, View dst);

    void fill(View dst, double value);

    // ---- elementwise ----------------------------------------------------------------------------

    /** {@code out = op(x; a, b)}, float32. */
    void unary(UnaryOp op, View x, View out, float a, float b);

    /** {@code out = op(a, b)}; {@code a} and {@code b} are already expanded to {@code out}'s shape. */
    void binary(BinaryOp op, View a, View b, View out);

    /** {@code out = cond ? a : b}, all expanded to {@code out}'s shape; {@code cond} is BOOL. */
    void where(View cond, View a, View b, View out);

    // ---- reductions and products ----------------------------------------------------------------

    /**
     * Reduces the last {@code reducedDims} dimensions of {@code x}; {@code out} has the shape of the
     * leading dimensions. Sums accumulate in double precision.
     */
    void reduce(ReduceOp op, View x, int reducedDims, View out);

    /** Batched product {@code out[b] = a[b] @ b[b]}: a [B,M,K], b [B,K,N], out [B,M,N]; any strides. */
    void matmul(View a, View b, View out);

    // ---- convolution and pooling (NCHW) ---------------------------------------------------------

    /**
     * x [N,C,H,W], w [O,C/g,kh,kw] -> out [N,O,Ho,Wo]. No bias: the caller adds it. All three conv
     * kernels read every size from their views' shapes and overwrite their whole output (no need to
     * zero it first); the reference backend's {@code ReferenceConv} spells out the formulas.
     */
    void conv2d(View x, View w, View out, Conv2dParams p);

    /**
     * Gradient of conv2d with respect to its input; also the forward of conv_transpose2d. gradIn
     * [N,C,H,W] may be larger than the output covers (output_padding): positions no output reaches are 0.
     */
    void conv2dInputGrad(View gradOut, View w, View gradIn, Conv2dParams p);

    /** Gradient of conv2d with respect to its weight: gradW [O,C/g,kh,kw], overwritten. */
    void conv2dWeightGrad(View x, View gradOut, View gradW, Conv2dParams p);

    /**
     * Max pooling; {@code indices} (INT64, same shape as out) receives the flat position
     * {@code h*W + w} of each maximum within its input plane, as torch's return_indices.
     */
    void maxPool2d(View x, View out, View indices, Pool2dParams p);

    void avgPool2d(View x, View out, Pool2dParams p);

    void avgPool2dBackward(View gradOut, View gradIn, Pool2dParams p);

    /** Resizes the last two dims of x [N,C,H,W] to out's; bilinear honours {@code alignCorners}. */
    void upsample2d(UpsampleMode mode, boolean alignCorners, View x, View out);

    /** Accumulates the adjoint of {@link #upsample2d} into a zeroed {@code gradIn}. */
    void upsample2dBackward(UpsampleMode mode, boolean alignCorners, View gradOut, View gradIn);

    /**
     * Pads the trailing dims: {@code pads} holds (before, after) pairs starting from the last dim,
     * as torch.nn.functional.pad. Negative pads crop.
     */
    void pad(PadMode mode, int[] pads, float value, View x, View out);

    /** Accumulates the adjoint of {@link #pad} into a zeroed {@code gradIn}. */
    void padBackward(PadMode mode, int[] pads, View gradOut, View gradIn);

    // ---- indexing (index views are INT64 or INT32) ----------------------------------------------

    /** {@code out[.., i, ..] = x[.., index[i], ..]} along {@code dim}. */
    void indexSelect(View x, int dim, View index, View out);

    /** {@code dst[.., index[i], ..] += src[.., i, ..]} along {@code dim}; the adjoint of indexSelect. */
    void indexAdd(View dst, int dim, View index, View src);

    /** {@code out[i][j] = x[index[i][j]][j]} (dim 0 example), as torch.gather. */
    void gather(View x, int dim, View index, View out);

    /** {@code dst[index[i][j]][j] += src[i][j]} (dim 0 example), as torch.scatter_add_; in place on dst. */
    void scatterAdd(View dst, int dim, View index, View src);

    // ---- codebook search ------------------------------------------------------------------------

    /**
     * Nearest-codebook search, the vector-quantiser lookup: for each query row {@code x[n]} of
     * x [N,D], the {@code topK} codes of codes [K,D] closest to it, sorted by ascending distance
     * and, among equal distances, ascending index (so {@code topK = 1} is {@code argmin} with
     * torch's tie rule: the lowest index wins).
     * <ul>
     *   <li>{@code cosine = false}: distance = squared L2 {@code ||x - c||^2}.</li>
     *   <li>{@code cosine = true}: distance = {@code 1 - cos(x, c)} with both vectors l2-normalised
     *       as {@code F.normalize} ({@code v / max(||v||, 1e-12)}); the nearest code is the one of
     *       largest cosine similarity. Range [0, 2].</li>
     * </ul>
     * {@code outIndices} INT64 [N,topK], {@code outDistances} FLOAT32 [N,topK], both overwritten;
     * {@code 1 <= topK <= K}. Code norms are computed by the kernel (O(K·D), negligible beside the
     * O(N·K·D) search). The reference computes every distance exactly in double; a fast backend may
     * rank codes by a float score ({@code ||c||^2 - 2 x.c}, as PyTorch's addmm path and FAISS do) and
     * so may pick a different code on near-ties within float rounding, but reports the distance of
     * the codes it picks computed as the reference does.
     */
    void nearestCodes(View x, View codes, int topK, boolean cosine, View outIndices, View outDistances);

    // ---- fused kernels: attention, group norm, softmax ----------------------------------------------

    /**
     * Scaled dot-product attention, {@code out = softmax(q k^T * scale (+ causal mask)) v}, per (batch,
     * head): q [B,H,Lq,d], k [B,H,Lk,d], v [B,H,Lk,dv] (any strides), out [B,H,Lq,dv]. The causal mask
     * lets query i see keys j <= i (top-left aligned, as {@code tril(ones(Lq, Lk))}). {@code logsumexp}
     * [B,H,Lq] receives {@code log sum_j exp(s_ij)} of the scaled, masked scores, which the backward needs.
     */
    void attention(View q, View k, View v, View out, View logsumexp, float scale, boolean causal);

    /**
     * Gradient of {@link #attention} (FlashAttention-2 backward: {@code D_i = rowsum(dO ∘ O)}, P recomputed
     * from logsumexp). gradQ, gradK, gradV have the shapes of q, k, v and are overwritten.
     */
    void attentionBackward(View q, View k, View v, View out, View logsumexp, View gradOut,
                           View gradQ, View gradK, View gradV, float scale, boolean causal);

    /**
     * Whether {@link #attention} and {@link #attentionBackward} on float32 with head sizes {@code d} (query
     * and key) and {@code dv} (value) run as this backend's own kernels, false where they would go
     * through a host fallback (a device backend past its kernels' head-size limit), so that a caller
     * with another formulation of the same function, such as matmul + softmax, can take that instead.
     */
    default boolean attentionNative(int d, int dv) {
        return supports(Kernel.ATTENTION) && supports(Kernel.ATTENTION_BACKWARD);
    }

    /**
     * group_norm over x [N,C,S] (any strides): per sample and group of C/groups channels, standardise with the
     * population variance, then {@code * weight[c] + bias[c]} (either may be null), then silu if {@code swish}.
     * mean and rstd [N,groups] receive the statistics for the backward. Statistics accumulate in double.
     */
    void groupNorm(View x, View weight, View bias, int groups, float eps, boolean swish, View out, View mean, View rstd);

    /**
     * Gradient of {@link #groupNorm}: gradX [N,C,S] overwritten; gradWeight, gradBias [C] overwritten
     * when not null (weight, bias may be null: then 1 and 0).
     */
    void groupNormBackward(View x, View weight, View bias, int groups, boolean swish, View mean, View rstd,
                           View gradOut, View gradX, View gradWeight, View gradBias);

    /** softmax (or log_softmax when {@code log}) along the last dim of x (any strides) into out of the same shape. */
    void softmax(View x, View out, boolean log);

    /**
     * Gradient of {@link #softmax} from its output y: {@code y * (g - sum(g * y))}, or for log_softmax
     * {@code g - exp(y) * sum(g)}, sums along the last dim. gradIn overwritten.
     */
    void softmaxBackward(View y, View gradOut, View gradIn, boolean log);

    // ---- optimiser ------------------------------------------------------------------------------

    /**
     * One Adam / AdamW update in place (torch.optim.Adam 1.13, single-tensor path), element by element
     * over contiguous FLOAT32 views of one shape, in float arithmetic as PyTorch's:
     * <pre>
     *   decoupled (AdamW): p = p·(1 − lr·weightDecay);   else g = grad + weightDecay·p
     *   m = β1·m + (1 − β1)·g;   v = β2·v + (1 − β2)·g²;   AMSGrad (maxExpAvgSq not null): v̂ = max(v̂, v)
     *   p = p − stepSize · m / (sqrt(v̂ or v) / bc2Sqrt + eps)
     * </pre>
     * with {@code stepSize = lr / (1 − β1^t)} and {@code bc2Sqrt = sqrt(1 − β2^t)} from the caller. The
     * scalars are doubles because PyTorch forms β, 1 − β and 1 − lr·wd in double and rounds each to
     * float (rounding β first would move 1 − β2 by 5e-5). param, expAvg, expAvgSq (and maxExpAvgSq) are
     * updated; grad is read.
     */
    void adamStep(View param, View grad, View expAvg, View expAvgSq, View maxExpAvgSq, double lr, double beta1, double beta2,
                  double eps, double weightDecay, boolean decoupled, double stepSize, double bc2Sqrt);
}
