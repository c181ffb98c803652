package dev.vq4j.models.quant;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.core.Rng;

/**
 * VQ-VAE with codes learned by exponential moving averages instead of gradients (van den Oord et
 * al. 2017, appendix A.1; Razavi et al. 2019, VQ-VAE-2; as Sonnet's VectorQuantizerEMA). In
 * training mode each batch updates, with counts n_k and sums s_k = Σ_{i: k(i)=k} z_i:
 * <pre>
 *   N_k ← γ N_k + (1 − γ) n_k                      (buffer cluster_size)
 *   m_k ← γ m_k + (1 − γ) s_k                      (buffer embed_avg)
 *   Ñ_k = (N_k + ε) / (Σ N + K ε) · Σ N            (Laplace smoothing)
 *   e_k = m_k / Ñ_k                                 (buffer embedding.weight)
 * </pre>
 * The loss is β‖z − sg(e)‖² only. Starts with N = 1 and m = e, so e is unchanged until updated.
 * Dead-code restarts use N_k as the usage and reset N_k to the threshold and m_k to N_k · e_k.
 */
public class EmaVectorQuantizer extends VectorQuantizer {
    private final float decay, eps;
    private final Tensor clusterSize, embedAvg;

    public EmaVectorQuantizer(int codebookSize, int dim, float beta, float decay, float eps) {
        this(codebookSize, dim, beta, decay, eps, Init.globalRng().split());
    }

    public EmaVectorQuantizer(int codebookSize, int dim, float beta, float decay, float eps, Rng rng) {
        super(codebookSize, dim, beta, false, rng, false);
        if (!(decay >= 0 && decay < 1)) throw new IllegalArgumentException("EmaVectorQuantizer: decay must be in [0, 1), got " + decay);
        if (!(eps > 0)) throw new IllegalArgumentException("EmaVectorQuantizer: eps must be positive, got " + eps);
        this.decay = decay;
        this.eps = eps;
        this.clusterSize = registerBuffer("cluster_size", Tensor.ones(codebookSize));
        this.embedAvg = registerBuffer("embed_avg", embedding.weight.clone());
    }

    /** Defaults of Sonnet / VQ-VAE-2: β 0.25, decay 0.99, ε 1e-5. */
    public EmaVectorQuantizer(int codebookSize, int dim) {
        this(codebookSize, dim, 0.25f, 0.99f, 1e-5f);
    }

    public float decay() { return decay; }
    public float eps() { return eps; }
    public Tensor clusterSize() { return clusterSize; }
    public Tensor embedAvg() { return embedAvg; }

    /** β‖z − sg(e)‖²: the codebook learns from the moving averages, not from this loss. */
    @Override
    protected Tensor loss(Tensor z, Tensor q) {
        return QuantOps.mse(z, q.detach()).mul(beta);
    }

    @Override
    protected void afterSearch(Tensor zFlat, Tensor idx) {
        int k = codebookSize, d = dim, m = zFlat.size(0);
        long[] assign = idx.toLongArray();
        float[] z = zFlat.contiguous().toFloatArray();
        double[] sums = new double[k * d];
        long[] counts = new long[k];
        for (int i = 0; i < m; i++) {
            int a = (int) assign[i];
            counts[a]++;
            for (int e = 0; e < d; e++) sums[a * d + e] += z[i * d + e];
        }
        float[] n = clusterSize.toFloatArray(), avg = embedAvg.toFloatArray();
        for (int j = 0; j < k; j++) {
            n[j] = (float) (decay * (double) n[j] + (1 - decay) * (double) counts[j]);
            for (int e = 0; e < d; e++) avg[j * d + e] = (float) (decay * (double) avg[j * d + e] + (1 - decay) * sums[j * d + e]);
        }
        store(n, avg);
    }

    /** Writes N and m and recomputes e = m / Ñ with Laplace smoothing. */
    private void store(float[] n, float[] avg) {
        int k = codebookSize, d = dim;
        double total = 0;
        for (float v : n) total += v;
        float[] w = new float[k * d];
        for (int j = 0; j < k; j++) {
            double smoothed = (n[j] + eps) / (total + k * eps) * total;
            for (int e = 0; e < d; e++) w[j * d + e] = (float) (avg[j * d + e] / smoothed);
        }
        clusterSize.copyFrom(Tensor.of(clusterSize.device(), n, k));
        embedAvg.copyFrom(Tensor.of(embedAvg.device(), avg, k, d));
        embedding.weight.copyFrom(Tensor.of(embedding.weight.device(), w, k, d));
    }

    @Override
    public Tensor codeUsage() {
        return clusterSize;
    }

    @Override
    protected void afterRestart(float[] newWeights, float[] usageValues, boolean[] restarted) {
        int d = dim;
        float[] avg = embedAvg.toFloatArray();
        for (int j = 0; j < codebookSize; j++)
            if (restarted[j]) for (int e = 0; e < d; e++) avg[j * d + e] = newWeights[j * d + e] * usageValues[j];
        clusterSize.copyFrom(Tensor.of(clusterSize.device(), usageValues, codebookSize));
        embedAvg.copyFrom(Tensor.of(embedAvg.device(), avg, codebookSize, d));
        // the restarted rows of the weight were written by the caller; the others keep e = m / Ñ
    }

    @Override
    protected void afterKmeans(float[] centroids, long[] counts) {
        int d = dim;
        float[] n = new float[codebookSize], avg = new float[codebookSize * d];
        for (int j = 0; j < codebookSize; j++) {
            n[j] = Math.max(1, counts[j]);
            for (int e = 0; e < d; e++) avg[j * d + e] = centroids[j * d + e] * n[j];
        }
        clusterSize.copyFrom(Tensor.of(clusterSize.device(), n, codebookSize));
        embedAvg.copyFrom(Tensor.of(embedAvg.device(), avg, codebookSize, d));
    }

    @Override
    protected String extraRepr() {
        return super.extraRepr() + ", decay=" + decay + ", eps=" + eps;
    }
}
