package dev.vq4j.models.prior.maskgit;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Device;
import dev.vq4j.core.Rng;
import dev.vq4j.models.prior.CodePrior;
import dev.vq4j.models.prior.SampleOptions;
import dev.vq4j.models.prior.SampleProgress;

/**
 * MaskGIT (Chang et al. 2022, "MaskGIT: Masked Generative Image Transformer", CVPR) as a
 * {@link CodePrior}: absorbing-state discrete diffusion over code grids with a bidirectional transformer
 * ({@link MaskGitTransformer}).
 *
 * <p><b>Training</b> ({@link #loss}): per grid, r ~ U(0, 1) and ⌈cos(π·r/2)·N⌉ tokens (at least 1) are
 * replaced by [MASK] ({@link MaskGitMasking}); the loss is the cross-entropy of the true codes at the masked
 * positions, averaged over every masked token of the batch (eq. 1 of the paper: −E Σ_{masked i} log p(y_i | Y_M̄)).
 * A class-conditional prior replaces each label by the null class with probability p_uncond, which trains
 * the unconditional model classifier-free guidance needs.
 *
 * <p><b>Sampling</b> ({@link #sample}, {@link #resample}): {@link MaskGitDecoder}, T parallel steps from an
 * all-[MASK] grid (or from the given codes with the positions not kept set to [MASK]).
 *
 * <p>Reproducibility: {@code Rng(seed)} first splits a generator for the random class labels (class -1 on a
 * class-conditional prior), then one per grid in order; so grid i's codes depend on the seed and i, not on
 * the batch size (up to the float rounding of batched kernels).
 */
public final class MaskGitPrior implements CodePrior {
    private final MaskGitTransformer model;
    private final MaskGitConfig config;

    /** A fresh prior with weights drawn from {@code rng}. */
    public MaskGitPrior(MaskGitConfig config, Rng rng) {
        this(new MaskGitTransformer(config, rng));
    }

    /** A prior around an existing (e.g. loaded) transformer. */
    public MaskGitPrior(MaskGitTransformer model) {
        this.model = model;
        this.config = model.config();
    }

    public MaskGitConfig config() { return config; }
    public MaskGitTransformer model() { return model; }

    @Override public String modelType() { return "maskgit"; }
    @Override public Module module() { return model; }
    @Override public int codebookSize() { return config.codebookSize(); }
    @Override public int[] gridShape() { return new int[] {config.gridH(), config.gridW()}; }
    @Override public int numClasses() { return config.nClasses(); }

    @Override
    public Tensor loss(Tensor codes, Tensor labels, Rng rng) {
        return maskedLoss(codes, labels, rng, true);
    }

    @Override
    public double evalLoss(Tensor codes, Tensor labels, Rng rng) {
        boolean wasTraining = model.isTraining();
        model.eval(); // dropout off even if the caller forgot
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return maskedLoss(codes, labels, rng, false).item();
        } finally {
            model.train(wasTraining);
        }
    }

    /** Draws masks (then label dropout when {@code dropLabels}) from rng; mean CE over the masked tokens. */
    private Tensor maskedLoss(Tensor codes, Tensor labels, Rng rng, boolean dropLabels) {
        long[] c = checkedCodes(codes, "loss");
        int batch = codes.size(0), n = config.numTokens();
        long[] lab = checkedLabels(labels, batch);
        MaskGitMasking m = MaskGitMasking.draw(c, batch, n, config.maskToken(), rng);
        if (lab != null && dropLabels && config.pUncond() > 0)
            for (int b = 0; b < batch; b++) if (rng.nextFloat() < config.pUncond()) lab[b] = config.nullClass();
        return lossOn(m, lab, batch, codes.device());
    }

    /**
     * Mean cross-entropy of {@code m.targets()} at the masked positions: the hidden states there only go
     * through the head (the other positions' logits are never formed).
     */
    Tensor lossOn(MaskGitMasking m, long[] labels, int batch, Device device) {
        int n = config.numTokens();
        Tensor tokens = Tensor.ofLongs(device, m.inputs(), batch, n);
        Tensor labelT = labels == null ? null : Tensor.ofLongs(device, labels, batch);
        Tensor h = model.hidden(tokens, labelT).reshape(batch * n, config.nEmbd());
        Tensor picked = h.indexSelect(0, Tensor.ofLongs(device, m.masked(), m.masked().length));
        return Losses.crossEntropy(model.head(picked), Tensor.ofLongs(device, m.targets(), m.targets().length));
    }

    private long[] checkedCodes(Tensor codes, String op) {
        if (codes.dim() != 3 || codes.size(1) != config.gridH() || codes.size(2) != config.gridW())
            throw new IllegalArgumentException("MaskGitPrior." + op + ": expected codes [B, " + config.gridH() + ", " + config.gridW()
                    + "], got " + codes.shapeString());
        long[] c = codes.toLongArray();
        for (int i = 0; i < c.length; i++)
            if (c[i] < 0 || c[i] >= config.codebookSize())
                throw new IllegalArgumentException("MaskGitPrior." + op + ": code " + c[i] + " at flat index " + i + " is outside [0, "
                        + config.codebookSize() + ")");
        return c;
    }

    private long[] checkedLabels(Tensor labels, int batch) {
        if (config.nClasses() == 0) {
            if (labels != null) throw new IllegalArgumentException("MaskGitPrior: an unconditional prior (n_classes = 0) takes no labels");
            return null;
        }
        if (labels == null || labels.dim() != 1 || labels.size(0) != batch)
            throw new IllegalArgumentException("MaskGitPrior: a class-conditional prior needs labels [" + batch + "], got "
                    + (labels == null ? "none" : labels.shapeString()));
        long[] l = labels.toLongArray();
        for (long v : l)
            if (v < 0 || v >= config.nClasses())
                throw new IllegalArgumentException("MaskGitPrior: label " + v + " is outside [0, " + config.nClasses() + ")");
        return l;
    }

    @Override
    public Tensor sample(SampleOptions options, SampleProgress progress) {
        int n = config.numTokens();
        long[] tokens = new long[Math.multiplyExact(options.count(), n)];
        java.util.Arrays.fill(tokens, config.maskToken());
        return run(tokens, options.count(), options, progress);
    }

    @Override
    public Tensor resample(Tensor codes, boolean[] keep, SampleOptions options, SampleProgress progress) {
        long[] tokens = checkedCodes(codes, "resample");
        if (keep == null || keep.length != tokens.length)
            throw new IllegalArgumentException("MaskGitPrior.resample: keep must have one flag per code (" + tokens.length + "), got "
                    + (keep == null ? "none" : keep.length));
        for (int i = 0; i < tokens.length; i++) if (!keep[i]) tokens[i] = config.maskToken();
        return run(tokens, codes.size(0), options, progress);
    }

    /** Decodes {@code count} grids (tokens [count·N], [MASK] where undecided) batch by batch. */
    private Tensor run(long[] tokens, int count, SampleOptions options, SampleProgress progress) {
        int n = config.numTokens();
        Rng base = new Rng(options.seed());
        long[] labels = labelsFor(count, options, base.split());
        Rng[] rngs = new Rng[count];
        for (int i = 0; i < count; i++) rngs[i] = base.split();
        long masked = 0;
        for (long t : tokens) if (t == config.maskToken()) masked++;
        MaskGitDecoder decoder = new MaskGitDecoder(model, options, progress == null ? SampleProgress.NONE : progress, masked);
        boolean wasTraining = model.isTraining();
        model.eval();
        try {
            for (int start = 0; start < count; start += options.batchSize()) {
                int b = Math.min(options.batchSize(), count - start);
                long[] chunk = java.util.Arrays.copyOfRange(tokens, start * n, (start + b) * n);
                decoder.decode(chunk, labels == null ? null : java.util.Arrays.copyOfRange(labels, start, start + b),
                        java.util.Arrays.copyOfRange(rngs, start, start + b));
                System.arraycopy(chunk, 0, tokens, start * n, b * n);
            }
        } finally {
            model.train(wasTraining);
        }
        return Tensor.ofLongs(tokens, count, config.gridH(), config.gridW());
    }

    private long[] labelsFor(int count, SampleOptions options, Rng labelRng) {
        int c = options.classLabel();
        if (config.nClasses() == 0) {
            if (c != -1) throw new IllegalArgumentException("sample: class " + c + " given to an unconditional prior (n_classes = 0)");
            return null;
        }
        if (c < -1 || c >= config.nClasses())
            throw new IllegalArgumentException("sample: class " + c + " is outside [0, " + config.nClasses() + ") (or -1 for random classes)");
        long[] labels = new long[count];
        for (int i = 0; i < count; i++) labels[i] = c >= 0 ? c : labelRng.nextLong(config.nClasses());
        return labels;
    }
}
