package dev.vq4j.models.prior;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.optim.AdamW;
import dev.vq4j.autograd.optim.Optimizer;
import dev.vq4j.core.Rng;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.train.EvalReport;
import dev.vq4j.models.train.StepContext;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.train.TrainingData;
import dev.vq4j.models.train.TrainingTask;
import dev.vq4j.models.viz.Plots;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Training a {@link CodePrior} on code grids ({@link CodeDataset}) with the one trainer: AdamW with
 * β = (0.9, 0.95) as minGPT and taming configure them, weight decay 0.01 on the linear layers' weights
 * only (optimizer.safetensors) and none on biases, norms and embeddings (optimizer_no_decay.safetensors; a
 * prior without linear layers has only the latter, as optimizer.safetensors);
 * held-out loss in bits per token; sample grids decoded through the tokenizer at every evaluation.
 */
public final class PriorTask implements TrainingTask {
    private static final long RNG_SALT = 0x9A1D_0C0DEL;
    public static final double WEIGHT_DECAY = 0.01;

    private final CodePrior prior;
    private final Map<String, Object> sections;
    private final ImageTokenizer tokenizer;
    private final List<String> classNames;
    private final Map<String, Optimizer> optimizers;
    private final List<Tensor> parameters;
    private Rng rng;

    /**
     * @param sections   the config sections that rebuild it (model, data)
     * @param tokenizer  decodes the sample grids; null for none (the grids are skipped)
     * @param classNames names of the prior's classes, or null for an unconditional prior
     */
    public PriorTask(CodePrior prior, Map<String, Object> sections, TrainConfig train, ImageTokenizer tokenizer, List<String> classNames) {
        this.prior = prior;
        this.sections = sections;
        this.tokenizer = tokenizer;
        this.classNames = classNames;
        if (tokenizer != null && tokenizer.codebookSize() != prior.codebookSize())
            throw new IllegalArgumentException("prior: the tokenizer has " + tokenizer.codebookSize() + " codes, the prior models " + prior.codebookSize());
        Set<Tensor> decay = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : prior.module().modules()) if (m instanceof Linear l) decay.add(l.weight());
        List<Tensor> withDecay = new ArrayList<>(), without = new ArrayList<>();
        for (Tensor p : prior.module().parameters()) (decay.contains(p) ? withDecay : without).add(p);
        this.parameters = prior.module().parameters();
        Map<String, Optimizer> o = new LinkedHashMap<>();
        if (!withDecay.isEmpty()) o.put("", new AdamW(withDecay, train.lr()).betas(0.9, 0.95).weightDecay(WEIGHT_DECAY));
        if (!without.isEmpty()) o.put(withDecay.isEmpty() ? "" : "no_decay", new AdamW(without, train.lr()).betas(0.9, 0.95).weightDecay(0));
        this.optimizers = Collections.unmodifiableMap(o);
        this.rng = new Rng(train.seed() ^ RNG_SALT);
    }

    public CodePrior prior() {
        return prior;
    }

    @Override
    public String modelType() {
        return prior.modelType();
    }

    @Override
    public Module model() {
        return prior.module();
    }

    @Override
    public ImageTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public Map<String, Optimizer> optimizers() {
        return optimizers;
    }

    @Override
    public Map<String, Object> configSections() {
        return sections;
    }

    @Override
    public void checkData(TrainingData train) {
        if (!(train instanceof CodeDataset codes))
            throw new IllegalArgumentException("a prior trains on code grids (vq4j tokenize), not on " + train.describe());
        int[] grid = prior.gridShape();
        if (codes.codebookSize() != prior.codebookSize() || codes.height() != grid[0] || codes.width() != grid[1])
            throw new IllegalArgumentException("prior: the codes are " + codes.height() + "x" + codes.width() + " grids over " + codes.codebookSize()
                    + " codes, the model expects " + grid[0] + "x" + grid[1] + " over " + prior.codebookSize());
        if (prior.numClasses() > 0 && codes.numClasses() != prior.numClasses())
            throw new IllegalArgumentException("prior: the model is conditioned on " + prior.numClasses() + " classes, the codes have "
                    + (codes.numClasses() == 0 ? "no labels" : codes.numClasses() + " classes"));
    }

    @Override
    public StepResult step(TrainingData.Batch batch, StepContext ctx) {
        for (Optimizer o : optimizers.values()) o.zeroGrad();
        Tensor loss = prior.loss(batch.inputs(), prior.numClasses() > 0 ? batch.labels() : null, rng);
        float value = ctx.finite("loss", loss.item());
        LinkedHashMap<String, Float> parts = new LinkedHashMap<>();
        parts.put("bits_per_token", (float) (value / Math.log(2)));
        loss.backward();
        double gradNorm = ctx.clip(parameters);
        for (Optimizer o : optimizers.values()) o.step();
        return new StepResult(value, parts, null, gradNorm);
    }

    @Override
    public EvalReport evaluate(TrainingData heldOut, int batchSize) {
        return PriorEvaluation.evaluate(prior, heldOut, batchSize);
    }

    /** New samples decoded to images (a row per class, up to 10 classes, for a class-conditional prior); nothing without a tokenizer. */
    @Override
    public void writeSamples(Path png, TrainingData heldOut) {
        if (tokenizer == null) return;
        List<Tensor> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        boolean wasTraining = prior.module().isTraining();
        prior.module().eval();
        try {
            SampleOptions base = SampleOptions.DEFAULTS.withSeed(1).withBatchSize(8);
            if (prior.numClasses() == 0) {
                rows.add(tokenizer.decodeCodes(prior.sample(base.withCount(8), SampleProgress.NONE)));
                labels.add("samples");
            } else {
                for (int c = 0; c < Math.min(10, prior.numClasses()); c++) {
                    rows.add(tokenizer.decodeCodes(prior.sample(base.withCount(6).withClass(c), SampleProgress.NONE)));
                    labels.add(classNames == null ? "class " + c : classNames.get(c));
                }
            }
        } finally {
            prior.module().train(wasTraining);
        }
        Plots.imageGrid(png, rows, labels);
    }

    @Override
    public Map<String, long[]> generatorStates() {
        return Map.of("prior", rng.state());
    }

    @Override
    public void restoreGenerators(Map<String, long[]> states) {
        if (!states.keySet().equals(Set.of("prior")))
            throw new IllegalArgumentException("resume: the checkpoint's task generators " + states.keySet() + " are not a prior's [prior]");
        rng = Rng.restore(states.get("prior"));
    }

    @Override
    public String describe() {
        int[] g = prior.gridShape();
        return String.format(Locale.ROOT, "%s prior, %,d parameters, %dx%d grids over %d codes, %s", prior.modelType(), prior.module().numParameters(),
                g[0], g[1], prior.codebookSize(), prior.numClasses() == 0 ? "unconditional" : prior.numClasses() + " classes");
    }
}
