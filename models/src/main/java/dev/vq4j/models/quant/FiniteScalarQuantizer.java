package dev.vq4j.models.quant;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;

import java.util.Arrays;

/**
 * Finite scalar quantisation (Mentzer et al. 2023, "Finite Scalar Quantization: VQ-VAE Made
 * Simple"): no codebook, no auxiliary loss. Channel i (of D = levels.length) is bounded to L_i
 * values and rounded with a straight-through gradient:
 * <pre>
 *   h_i = (L_i − 1)(1 + ε)/2,  o_i = 0.5 if L_i even else 0,  s_i = atanh(o_i / h_i)
 *   bound(z)_i = tanh(z_i + s_i) · h_i − o_i           (ε = 1e-3)
 *   ẑ_i = (bound(z)_i + sg(round(bound(z)_i) − bound(z)_i)) / ⌊L_i/2⌋     in [−1, 1]
 *   index = Σ_i (round(bound)_i + ⌊L_i/2⌋) · Π_{j<i} L_j                 (first channel least significant)
 * </pre>
 * Rounding is half-to-even, as torch.round. The codebook has Π L_i implicit codes; the paper's
 * recommended levels are e.g. [8, 5, 5, 5] (2¹⁰ codes) or [8, 8, 8, 5, 5, 5] (2¹⁶).
 */
public class FiniteScalarQuantizer extends Quantizer {
    private static final double EPS = 1e-3;
    private final int[] levels;
    private final long[] basis;
    private final float[] halfL, offset, shift, halfWidth;
    private final int codebookSize;

    public FiniteScalarQuantizer(int... levels) {
        if (levels.length == 0) throw new IllegalArgumentException("FiniteScalarQuantizer: levels must not be empty");
        this.levels = levels.clone();
        int d = levels.length;
        basis = new long[d];
        halfL = new float[d];
        offset = new float[d];
        shift = new float[d];
        halfWidth = new float[d];
        long size = 1;
        for (int i = 0; i < d; i++) {
            if (levels[i] < 2) throw new IllegalArgumentException("FiniteScalarQuantizer: every level must be >= 2, got " + Arrays.toString(levels));
            basis[i] = size;
            size *= levels[i];
            double h = (levels[i] - 1) * (1 + EPS) / 2, o = levels[i] % 2 == 0 ? 0.5 : 0.0;
            halfL[i] = (float) h;
            offset[i] = (float) o;
            shift[i] = (float) (0.5 * Math.log((1 + o / h) / (1 - o / h))); // atanh
            halfWidth[i] = levels[i] / 2;
        }
        if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("FiniteScalarQuantizer: " + Arrays.toString(levels) + " gives more than 2^31 codes");
        codebookSize = (int) size;
    }

    public int[] levels() {
        return levels.clone();
    }

    /** tanh(z + s) · h − o per channel, on channels-last [..., D]. */
    Tensor bound(Tensor zl) {
        int d = levels.length;
        Tensor s = Tensor.of(zl.device(), shift, d), h = Tensor.of(zl.device(), halfL, d), o = Tensor.of(zl.device(), offset, d);
        return zl.add(s).tanh().mul(h).sub(o);
    }

    @Override
    public Output quantize(Tensor z) {
        QuantOps.checkLatents("FiniteScalarQuantizer", z, levels.length);
        int n = z.size(0), hh = z.size(2), w = z.size(3), d = levels.length;
        Tensor b = bound(QuantOps.channelsLast(z));
        float[] rounded = b.contiguous().toFloatArray();
        long[] idx = new long[n * hh * w];
        for (int p = 0; p < idx.length; p++) {
            long code = 0;
            for (int i = 0; i < d; i++) {
                float r = (float) Math.rint(rounded[p * d + i]);
                rounded[p * d + i] = r;
                code += (long) (r + halfWidth[i]) * basis[i];
            }
            idx[p] = code;
        }
        Tensor r;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            r = Tensor.of(z.device(), rounded, n, hh, w, d);
        }
        Tensor q = QuantOps.straightThrough(b, r).div(Tensor.of(z.device(), halfWidth, d));
        return new Output(QuantOps.channelsFirst(q), QuantOps.zeroLoss(z), Tensor.ofLongs(z.device(), idx, n, hh, w));
    }

    @Override
    public Tensor decode(Tensor indices) {
        QuantOps.checkIndices("FiniteScalarQuantizer", indices, 3);
        int d = levels.length;
        long[] v = indices.contiguous().toLongArray();
        float[] out = new float[v.length * d];
        for (int p = 0; p < v.length; p++) {
            if (v[p] < 0 || v[p] >= codebookSize)
                throw new IllegalArgumentException("FiniteScalarQuantizer: index " + v[p] + " out of range [0, " + codebookSize + ")");
            for (int i = 0; i < d; i++) {
                long digit = (v[p] / basis[i]) % levels[i];
                out[p * d + i] = (digit - halfWidth[i]) / halfWidth[i];
            }
        }
        return QuantOps.channelsFirst(Tensor.of(indices.device(), out, indices.size(0), indices.size(1), indices.size(2), d));
    }

    @Override
    public int codebookSize() { return codebookSize; }

    @Override
    public int dim() { return levels.length; }

    @Override
    protected String extraRepr() {
        return "levels=" + Arrays.toString(levels);
    }
}
