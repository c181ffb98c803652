package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.DType;
import dev.vq4j.core.Rng;
import dev.vq4j.models.prior.CodePrior;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.prior.SampleProgress;
import dev.vq4j.models.prior.Sampling;

/**
 * taming-transformers' {@code Net2NetTransformer} (cond_transformer.py) over a {@link Gpt}, with the
 * Identity permuter: the GPT reads {@code [c | z]} (one condition token, then the codes in raster
 * order, see {@link GptPriorConfig}) and predicts code i from position i of
 * {@code [c, z_0 … z_{h·w−2}]}:
 * <pre>  loss = −(1/(N·h·w)) Σ_n Σ_i log softmax(logits[n, i, :V'])[z_{n,i}]</pre>
 * with V' = {@link GptPriorConfig#lossVocab()}. {@link #loss} corrupts the input codes (pkeep; the
 * replacements are uniform over the K codes, where taming draws from the whole vocab_size, which is K in
 * its shared-vocabulary checkpoints) and drops labels to the null class (p_uncond); {@link #evalLoss}
 * does neither.
 *
 * <p>{@link #sample}: taming's {@code sample} loop, but with a {@link KvCache} (prefill the condition
 * token, then one decode step per code) and the draws of {@link Sampling} restricted to the K code
 * logits; classifier-free guidance runs the conditional rows and the null-class rows as one batch.
 * Sample n draws from its own generator, the n-th split of {@code new Rng(seed)}, so its codes do not
 * depend on the batch size.
 */
public final class GptPrior implements CodePrior {
    public static final String MODEL_TYPE = "gpt";

    private final GptPriorConfig config;
    private final Gpt gpt;

    /** Weights drawn from {@link Init#globalRng()}. */
    public GptPrior(GptPriorConfig config) {
        this(config, new Gpt(config.gpt()));
    }

    public GptPrior(GptPriorConfig config, Rng rng) {
        this(config, new Gpt(config.gpt(), rng));
    }

    public GptPrior(GptPriorConfig config, Gpt gpt) {
        if (!gpt.config().equals(config.gpt()))
            throw new IllegalArgumentException("GPT prior: the GPT's config " + gpt.config() + " differs from the prior's " + config.gpt());
        this.config = config;
        this.gpt = gpt;
    }

    public GptPriorConfig config() { return config; }
    public Gpt gpt() { return gpt; }

    @Override public String modelType() { return MODEL_TYPE; }
    @Override public Module module() { return gpt; }
    @Override public int codebookSize() { return config.codebookSize(); }
    @Override public int[] gridShape() { return new int[] {config.gridH(), config.gridW()}; }
    @Override public int numClasses() { return config.numClasses(); }

    // ---- training ----------------------------------------------------------------------------------

    @Override
    public Tensor loss(Tensor codes, Tensor labels, Rng rng) {
        return lossOf(codes, labels, rng, true);
    }

    @Override
    public double evalLoss(Tensor codes, Tensor labels, Rng rng) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return lossOf(codes, labels, rng, false).item();
        }
    }

    /**
     * Mean cross-entropy of the codes; with {@code corrupt}, first label dropout (one {@code nextFloat}
     * per sample when p_uncond > 0) then pkeep (per code, one {@code nextFloat}, and one
     * {@code nextLong(K)} for a replaced code), drawn from rng in that order.
     */
    private Tensor lossOf(Tensor codes, Tensor labels, Rng rng, boolean corrupt) {
        int n = checkCodes(codes), t = config.sequenceLength(), k = config.codebookSize();
        long[] z = codes.to(DType.INT64).contiguous().toLongArray();
        long[] c = conditionTokens(labels, n, corrupt ? rng : null);
        long[] input = new long[n * t];
        for (int s = 0; s < n; s++) {
            input[s * t] = c[s];
            for (int i = 0; i < t - 1; i++) {
                long code = z[s * t + i];
                if (corrupt && config.pkeep() < 1 && !(rng.nextFloat() < config.pkeep())) code = rng.nextLong(k);
                input[s * t + i + 1] = code;
            }
        }
        Tensor logits = gpt.forward(Tensor.ofLongs(input, n, t));
        int v = config.lossVocab();
        if (v < logits.size(2)) logits = logits.narrow(2, 0, v);
        return Losses.crossEntropy(logits.reshape(n * t, v), Tensor.ofLongs(z, n * t));
    }

    private int checkCodes(Tensor codes) {
        if (codes.dim() != 3 || codes.size(1) != config.gridH() || codes.size(2) != config.gridW()
                || (codes.dtype() != DType.INT64 && codes.dtype() != DType.INT32))
            throw new IllegalArgumentException("GPT prior: expected integer codes [N, " + config.gridH() + ", " + config.gridW() + "], got "
                    + codes.dtype() + " " + codes.shapeString());
        for (long v : codes.to(DType.INT64).contiguous().toLongArray())
            if (v < 0 || v >= config.codebookSize())
                throw new IllegalArgumentException("GPT prior: code " + v + " is outside the codebook [0, " + config.codebookSize() + ")");
        return codes.size(0);
    }

    /** The condition token of each sample; with dropRng, labels are replaced by the null class with probability p_uncond. */
    private long[] conditionTokens(Tensor labels, int n, Rng dropRng) {
        long[] c = new long[n];
        if (config.numClasses() == 0) { // unconditional: labels, if any, are ignored
            java.util.Arrays.fill(c, config.sosToken());
            return c;
        }
        if (labels == null) throw new IllegalArgumentException("GPT prior: a class-conditional prior needs labels [N]");
        if (labels.dim() != 1 || labels.size(0) != n)
            throw new IllegalArgumentException("GPT prior: expected labels [" + n + "], got " + labels.shapeString());
        long[] l = labels.to(DType.INT64).contiguous().toLongArray();
        for (int s = 0; s < n; s++) {
            if (l[s] < 0 || l[s] >= config.numClasses())
                throw new IllegalArgumentException("GPT prior: label " + l[s] + " is outside [0, " + config.numClasses() + ")");
            boolean drop = dropRng != null && config.pUncond() > 0 && dropRng.nextFloat() < config.pUncond();
            c[s] = drop ? config.nullClassToken() : config.classOffset() + l[s];
        }
        return c;
    }

    // ---- sampling ----------------------------------------------------------------------------------

    @Override
    public Tensor sample(SampleOptions options, SampleProgress progress) {
        return generate(options.count(), null, null, options, progress);
    }

    @Override
    public Tensor resample(Tensor codes, boolean[] keep, SampleOptions options, SampleProgress progress) {
        int n = checkCodes(codes);
        if (keep == null || keep.length != n * config.sequenceLength())
            throw new IllegalArgumentException("GPT prior: keep must hold N*h*w = " + n * config.sequenceLength() + " flags, got "
                    + (keep == null ? "null" : keep.length));
        return generate(n, codes.to(DType.INT64).contiguous().toLongArray(), keep, options, progress);
    }

    private Tensor generate(int count, long[] given, boolean[] keep, SampleOptions o, SampleProgress progress) {
        checkOptions(o);
        int t = config.sequenceLength();
        boolean cfg = o.cfgScale() != 1f;
        Rng root = new Rng(o.seed());
        Rng[] rngs = new Rng[count];
        long[] cond = new long[count];
        for (int s = 0; s < count; s++) {
            rngs[s] = root.split();
            if (config.numClasses() == 0) cond[s] = config.sosToken();
            else cond[s] = config.classOffset() + (o.classLabel() >= 0 ? o.classLabel() : rngs[s].nextLong(config.numClasses()));
        }
        long[] out = new long[count * t];
        boolean wasTraining = gpt.isTraining();
        gpt.eval();
        try {
            long[] done = {0};
            for (int start = 0; start < count; start += o.batchSize()) {
                int b = Math.min(o.batchSize(), count - start);
                decodeBatch(start, b, cond, given, keep, rngs, cfg, o, out, done, (long) count * t, progress);
            }
        } finally {
            gpt.train(wasTraining);
        }
        return Tensor.ofLongs(out, count, config.gridH(), config.gridW());
    }

    private void checkOptions(SampleOptions o) {
        if (config.numClasses() == 0 && o.classLabel() != -1)
            throw new IllegalArgumentException("GPT prior: class " + o.classLabel() + " asked of an unconditional prior");
        if (o.classLabel() >= config.numClasses() && config.numClasses() > 0)
            throw new IllegalArgumentException("GPT prior: class " + o.classLabel() + " is outside [0, " + config.numClasses() + ")");
        if (o.cfgScale() != 1f && config.nullClassToken() < 0)
            throw new IllegalArgumentException("GPT prior: classifier-free guidance (scale " + o.cfgScale()
                    + ") needs a class-conditional prior trained with a null class; this one has none");
    }

    /**
     * Samples [start, start+b): one KV cache of b rows (2b with guidance: conditional rows, then the
     * same samples with the null class). The prompt is the condition token and the codes every row keeps
     * before its first position to draw; then per position: guide, pick (or take the kept code), append.
     */
    private void decodeBatch(int start, int b, long[] cond, long[] given, boolean[] keep, Rng[] rngs, boolean cfg, SampleOptions o,
                             long[] out, long[] done, long total, SampleProgress progress) {
        int t = config.sequenceLength(), k = config.codebookSize(), v = config.gpt().vocabSize();
        int rows = cfg ? 2 * b : b;
        int prefix = t;
        if (keep == null) prefix = 0;
        else for (int r = 0; r < b; r++) {
            int first = 0;
            while (first < t && keep[(start + r) * t + first]) first++;
            prefix = Math.min(prefix, first);
        }
        for (int r = 0; r < b; r++)
            for (int i = 0; i < prefix; i++) out[(start + r) * t + i] = given[(start + r) * t + i];
        done[0] += (long) b * prefix;
        progress.tokens(done[0], total);
        if (prefix == t) return;
        long[] prompt = new long[rows * (1 + prefix)];
        for (int r = 0; r < rows; r++) {
            int s = start + r % b;
            prompt[r * (1 + prefix)] = r < b ? cond[s] : config.nullClassToken();
            for (int i = 0; i < prefix; i++) prompt[r * (1 + prefix) + 1 + i] = given[s * t + i];
        }
        try (KvCache cache = gpt.newCache(rows)) {
            Tensor logits = cache.prefill(Tensor.ofLongs(prompt, rows, 1 + prefix)).select(1, prefix);
            long[] next = new long[rows];
            for (int i = prefix; i < t; i++) {
                float[] l = logits.contiguous().toFloatArray();
                for (int r = 0; r < b; r++) {
                    int s = start + r, at = s * t + i;
                    long token;
                    if (keep != null && keep[at]) token = given[at];
                    else {
                        if (cfg) Sampling.guide(l, r * v, l, (b + r) * v, k, o.cfgScale());
                        token = Sampling.pick(l, r * v, k, o, rngs[s]);
                    }
                    out[at] = token;
                    next[r] = token;
                    if (cfg) next[b + r] = token;
                }
                done[0] += b;
                progress.tokens(done[0], total);
                if (i + 1 < t) logits = cache.decodeStep(Tensor.ofLongs(next, rows));
            }
        }
    }
}
