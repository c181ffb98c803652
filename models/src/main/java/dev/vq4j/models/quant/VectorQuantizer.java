package dev.vq4j.models.quant;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Indexing;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.core.Rng;

/**
 * The VQ-VAE quantiser (van den Oord et al. 2017): nearest code by squared L2, straight-through
 * gradient, loss = ‖sg(z) − e‖² + β‖z − sg(e)‖² (means). With {@code legacy}, taming-transformers'
 * swapped weighting β‖sg(z) − e‖² + ‖z − sg(e)‖², needed to reproduce its checkpoints.
 * Parameter: {@code embedding.weight} [K, D] (taming's name), initialised U(−1/K, 1/K).
 *
 * <p>Options (setters return this): {@link #cosine} l2-normalises z and the codes before the search
 * and the loss (ViT-VQGAN); {@link #kmeansInit} replaces the codebook by k-means centroids of the
 * first training batch; {@link #deadCodeThreshold} restarts codes whose moving-average usage falls
 * below a threshold from random current latents. Randomness comes from {@link #rng()}.
 */
public class VectorQuantizer extends Quantizer {
    protected final int codebookSize, dim;
    protected final float beta;
    protected final boolean legacy;
    protected final Codebook embedding;
    private Rng rng;
    private boolean cosine;
    private int kmeansIters;
    private Tensor initted;
    private float deadCodeThreshold;
    private float usageDecay = 0.99f;
    private Tensor usage;

    public VectorQuantizer(int codebookSize, int dim, float beta, boolean legacy) {
        this(codebookSize, dim, beta, legacy, Init.globalRng().split());
    }

    public VectorQuantizer(int codebookSize, int dim, float beta, boolean legacy, Rng rng) {
        this(codebookSize, dim, beta, legacy, rng, true);
    }

    protected VectorQuantizer(int codebookSize, int dim, float beta, boolean legacy, Rng rng, boolean trainableCodebook) {
        if (codebookSize <= 0 || dim <= 0)
            throw new IllegalArgumentException(getClass().getSimpleName() + ": codebook size and dim must be positive, got K=" + codebookSize + ", D=" + dim);
        this.codebookSize = codebookSize;
        this.dim = dim;
        this.beta = beta;
        this.legacy = legacy;
        this.rng = rng;
        this.embedding = registerModule("embedding", new Codebook(codebookSize, dim, trainableCodebook, rng));
    }

    // ---- options --------------------------------------------------------------------------------

    /** Normalise z and codes to unit length before search and loss (cosine-similarity codes). */
    public VectorQuantizer cosine(boolean on) {
        cosine = on;
        return this;
    }

    /** Initialise the codebook with {@code iterations} Lloyd steps on the first training batch (0: off). */
    public VectorQuantizer kmeansInit(int iterations) {
        if (iterations < 0) throw new IllegalArgumentException(getClass().getSimpleName() + ": k-means iterations must be >= 0, got " + iterations);
        kmeansIters = iterations;
        if (iterations > 0 && initted == null) initted = registerBuffer("initted", Tensor.zeros(1));
        return this;
    }

    /**
     * Restart codes whose moving-average usage (codes per batch, decay {@link #usageDecay}) falls below
     * threshold, in training mode, from random latents of the current batch (0: off).
     */
    public VectorQuantizer deadCodeThreshold(float threshold) {
        deadCodeThreshold = threshold;
        if (threshold > 0 && usage == null && !(this instanceof EmaVectorQuantizer))
            usage = registerBuffer("code_usage", Tensor.ones(codebookSize));
        return this;
    }

    public VectorQuantizer usageDecay(float decay) {
        usageDecay = decay;
        return this;
    }

    /** The generator for k-means and dead-code restarts; replace it to restore a checkpoint's state. */
    public Rng rng() {
        return rng;
    }

    public void setRng(Rng rng) {
        this.rng = rng;
    }

    public boolean isCosine() { return cosine; }
    public float beta() { return beta; }
    public boolean legacy() { return legacy; }

    /** The raw code vectors [K, D] (embedding.weight). */
    public Tensor codebook() {
        return embedding.weight;
    }

    @Override
    public int codebookSize() {
        return codebookSize;
    }

    @Override
    public int dim() {
        return dim;
    }

    // ---- forward --------------------------------------------------------------------------------

    @Override
    public Output quantize(Tensor z) {
        return quantize(z, embedding.weight);
    }

    /** The forward with an explicit codebook tensor [K, D] (tests compare its gradient with PyTorch's). */
    Output quantize(Tensor z, Tensor weight) {
        QuantOps.checkLatents(getClass().getSimpleName(), z, dim);
        int n = z.size(0), h = z.size(2), w = z.size(3);
        Tensor zl = QuantOps.channelsLast(z);
        if (cosine) zl = QuantOps.l2normalize(zl);
        Tensor zf = zl.reshape(-1, dim);
        if (isTraining() && kmeansIters > 0 && initted.item() == 0f) {
            kmeans(zf.detach());
        }
        Tensor codes = cosine ? QuantOps.l2normalize(weight) : weight;
        Tensor idx = search(zf.detach(), codes.detach());
        Tensor q = Indexing.embedding(codes, idx).reshape(n, h, w, dim);
        Tensor loss = loss(zl, q);
        if (isTraining()) {
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                afterSearch(zf.detach(), idx);
                if (deadCodeThreshold > 0) replaceDeadCodes(zf.detach());
            }
        }
        Tensor out = QuantOps.channelsFirst(QuantOps.straightThrough(zl, q));
        return new Output(out, loss, idx.reshape(n, h, w));
    }

    /** The nearest-code search (the backend's fused kernel, through {@link CodebookSearch#nearest}). */
    protected Tensor search(Tensor zFlat, Tensor codes) {
        return CodebookSearch.nearest(zFlat, codes);
    }

    /** Codes as used by search and lookup: the weight, l2-normalised when cosine. */
    protected Tensor lookupCodebook() {
        return cosine ? QuantOps.l2normalize(embedding.weight) : embedding.weight;
    }

    /** ‖sg(z) − e‖² + β‖z − sg(e)‖²; legacy: β‖sg(z) − e‖² + ‖z − sg(e)‖². */
    protected Tensor loss(Tensor z, Tensor q) {
        Tensor codebookTerm = QuantOps.mse(q, z.detach());
        Tensor commitment = QuantOps.mse(z, q.detach());
        return legacy ? codebookTerm.mul(beta).add(commitment) : codebookTerm.add(commitment.mul(beta));
    }

    /** Training-mode hook after the search (EMA updates); runs under no-grad. */
    protected void afterSearch(Tensor zFlat, Tensor idx) {
        if (usage == null) return;
        float[] u = usage.toFloatArray();
        long[] counts = counts(idx);
        for (int k = 0; k < codebookSize; k++) u[k] = usageDecay * u[k] + (1 - usageDecay) * counts[k];
        usage.copyFrom(Tensor.of(usage.device(), u, codebookSize));
    }

    /** Moving-average number of latents per batch assigned to each code [K]. */
    public Tensor codeUsage() {
        return usage;
    }

    protected long[] counts(Tensor idx) {
        long[] c = new long[codebookSize];
        for (long i : idx.toLongArray()) c[(int) i]++;
        return c;
    }

    // ---- dead codes -----------------------------------------------------------------------------

    private void replaceDeadCodes(Tensor zFlat) {
        float[] u = codeUsage().toFloatArray();
        float[] z = zFlat.contiguous().toFloatArray();
        int m = zFlat.size(0);
        float[] w = embedding.weight.toFloatArray();
        boolean any = false;
        boolean[] restarted = new boolean[codebookSize];
        for (int k = 0; k < codebookSize; k++) {
            if (u[k] >= deadCodeThreshold) continue;
            int src = (int) rng.nextLong(m);
            System.arraycopy(z, src * dim, w, k * dim, dim);
            u[k] = deadCodeThreshold; // must be used soon to survive
            restarted[k] = true;
            any = true;
        }
        if (!any) return;
        embedding.weight.copyFrom(Tensor.of(embedding.weight.device(), w, codebookSize, dim));
        afterRestart(w, u, restarted);
    }

    /** Writes back state after restarts (usage of restarted codes already set to the threshold). */
    protected void afterRestart(float[] newWeights, float[] usageValues, boolean[] restarted) {
        usage.copyFrom(Tensor.of(usage.device(), usageValues, codebookSize));
    }

    public float deadCodeThreshold() {
        return deadCodeThreshold;
    }

    // ---- k-means --------------------------------------------------------------------------------

    private void kmeans(Tensor zFlat) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            KMeans.Result r = KMeans.fit(zFlat, codebookSize, kmeansIters, rng);
            float[] c = r.centroids();
            if (cosine) c = KMeans.normalizeRows(c, dim);
            embedding.weight.copyFrom(Tensor.of(embedding.weight.device(), c, codebookSize, dim));
            afterKmeans(c, r.counts());
            initted.fillInPlace(1);
        }
    }

    /** Hook for state tied to the codebook (EMA statistics). */
    protected void afterKmeans(float[] centroids, long[] counts) {}

    @Override
    protected String extraRepr() {
        return "codebook_size=" + codebookSize + ", dim=" + dim + ", beta=" + beta + (legacy ? ", legacy=True" : "") + (cosine ? ", cosine=True" : "");
    }

    @Override
    public Tensor decode(Tensor indices) {
        QuantOps.checkIndices(getClass().getSimpleName(), indices, 3);
        return QuantOps.channelsFirst(Indexing.embedding(lookupCodebook(), indices));
    }
}
