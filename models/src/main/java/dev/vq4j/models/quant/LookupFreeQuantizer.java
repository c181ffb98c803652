package dev.vq4j.models.quant;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;

/**
 * Lookup-free quantisation (Yu et al. 2023, MAGVIT-v2): each of D channels is quantised to its
 * sign, q_i = +1 if z_i > 0 else −1, with a straight-through gradient; the index packs the bits
 * b_i = [z_i > 0] with the first channel most significant, index = Σ_i b_i · 2^(D−1−i) (as
 * vector-quantize-pytorch), so there are 2^D implicit codes c ∈ {−1, +1}^D.
 *
 * <p>Loss = w_e · (H_sample − γ · H_codebook) + w_c · ‖z − sg(q)‖² (mean), where over the M latent
 * vectors p_i = softmax_c(2 z_i·c / τ) (the soft assignment −‖z_i − c‖²/τ up to a constant),
 * H_sample = mean_i H(p_i) (low: each latent confidently near one code) and
 * H_codebook = H(mean_i p_i) (high: codes used evenly), with H(p) = −Σ p log p; in H_codebook
 * log is taken of max(p̄, 1e-5). Defaults: w_e 0.1, γ 1, w_c 0.25, τ 0.01. The entropy term
 * enumerates all 2^D codes, so it is computed only for D ≤ 16; larger D needs w_e = 0.
 */
public class LookupFreeQuantizer extends Quantizer {
    private final int dim;
    private float entropyWeight = 0.1f, diversityGamma = 1f, commitmentWeight = 0.25f, temperature = 0.01f;
    private Tensor codes;

    public LookupFreeQuantizer(int dim) {
        if (dim < 1 || dim > 62) throw new IllegalArgumentException("LookupFreeQuantizer: dim must be in 1..62, got " + dim);
        this.dim = dim;
    }

    public LookupFreeQuantizer entropyWeight(float w) { entropyWeight = w; return this; }
    public LookupFreeQuantizer diversityGamma(float g) { diversityGamma = g; return this; }
    public LookupFreeQuantizer commitmentWeight(float w) { commitmentWeight = w; return this; }
    public LookupFreeQuantizer temperature(float t) { temperature = t; return this; }

    @Override
    public Output quantize(Tensor z) {
        QuantOps.checkLatents("LookupFreeQuantizer", z, dim);
        int n = z.size(0), h = z.size(2), w = z.size(3);
        Tensor zl = QuantOps.channelsLast(z);
        float[] v = zl.contiguous().toFloatArray();
        float[] signs = new float[v.length];
        long[] idx = new long[n * h * w];
        for (int p = 0; p < idx.length; p++) {
            long code = 0;
            for (int i = 0; i < dim; i++) {
                boolean bit = v[p * dim + i] > 0;
                signs[p * dim + i] = bit ? 1f : -1f;
                code = (code << 1) | (bit ? 1 : 0);
            }
            idx[p] = code;
        }
        Tensor q;
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            q = Tensor.of(z.device(), signs, n, h, w, dim);
        }
        Tensor loss = QuantOps.mse(zl, q).mul(commitmentWeight);
        if (entropyWeight != 0f) loss = loss.add(entropyLoss(zl.reshape(-1, dim)).mul(entropyWeight));
        Tensor out = QuantOps.channelsFirst(QuantOps.straightThrough(zl, q));
        return new Output(out, loss, Tensor.ofLongs(z.device(), idx, n, h, w));
    }

    /** H_sample − γ H_codebook for latents [M, D]. */
    public Tensor entropyLoss(Tensor zFlat) {
        if (dim > 16) throw new IllegalStateException("LookupFreeQuantizer: the entropy loss enumerates 2^D codes; D = " + dim + " > 16, set entropyWeight(0)");
        Tensor logits = zFlat.matmul(allCodes(zFlat).t()).mul(2f / temperature);
        Tensor logp = logits.logSoftmax(1), p = logits.softmax(1);
        Tensor sampleEntropy = p.mul(logp).sum(1, false).mean().neg();
        Tensor avg = p.mean(0, false);
        Tensor codebookEntropy = avg.mul(avg.clampMin(1e-5f).log()).sum().neg();
        return sampleEntropy.sub(codebookEntropy.mul(diversityGamma));
    }

    /** Every code [2^D, D] in index order. */
    private Tensor allCodes(Tensor like) {
        if (codes == null || !codes.device().equals(like.device())) {
            int k = 1 << dim;
            float[] c = new float[k * dim];
            for (int j = 0; j < k; j++)
                for (int i = 0; i < dim; i++) c[j * dim + i] = ((j >> (dim - 1 - i)) & 1) == 1 ? 1f : -1f;
            codes = Tensor.of(like.device(), c, k, dim).keep(); // a cache: survives the step's MemoryScope
        }
        return codes;
    }

    @Override
    public Tensor decode(Tensor indices) {
        QuantOps.checkIndices("LookupFreeQuantizer", indices, 3);
        long[] v = indices.contiguous().toLongArray();
        float[] out = new float[v.length * dim];
        for (int p = 0; p < v.length; p++) {
            if (v[p] < 0 || (dim < 63 && v[p] >= (1L << dim)))
                throw new IllegalArgumentException("LookupFreeQuantizer: index " + v[p] + " out of range [0, 2^" + dim + ")");
            for (int i = 0; i < dim; i++) out[p * dim + i] = ((v[p] >> (dim - 1 - i)) & 1) == 1 ? 1f : -1f;
        }
        return QuantOps.channelsFirst(Tensor.of(indices.device(), out, indices.size(0), indices.size(1), indices.size(2), dim));
    }

    /** 2^D, capped at Integer.MAX_VALUE for D ≥ 31. */
    @Override
    public int codebookSize() {
        return dim >= 31 ? Integer.MAX_VALUE : 1 << dim;
    }

    @Override
    public int dim() { return dim; }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", entropy_weight=" + entropyWeight + ", commitment_weight=" + commitmentWeight;
    }
}
