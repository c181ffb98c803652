package dev.vq4j.models.train;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.optim.Optimizer;
import dev.vq4j.autograd.optim.WarmupCosineLr;
import dev.vq4j.core.MemoryScope;
import dev.vq4j.core.Rng;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.vqvae.VqVae;
import dev.vq4j.models.vqvae.VqVaeConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The one training loop, for every model: a {@link TrainingTask} supplies the model, its
 * optimisers and one step (VQ-VAE: {@link VqVaeTask}; VQGAN: autoencoder + discriminator); the
 * trainer draws batches with replacement from a seeded generator, sets the linear warm-up + cosine
 * learning rate on every optimiser, hands clipping and the NaN/Inf check to the step
 * ({@link StepContext}), logs to {@code <run>/train_log.jsonl}, evaluates on held-out data (PSNR,
 * SSIM, codebook usage, perplexity and the task's own terms), writes PNG grids of held-out images above
 * their reconstructions to {@code <run>/samples/step-N.png} at every evaluation, and checkpoints
 * under {@code <run>/checkpoints/} keeping the newest K (see {@link Checkpoints}).
 *
 * <p>Resuming ({@link #resumeFrom}) restores weights, every optimiser's state, the step, the data-order
 * generator, the generators inside the model (quantisers' k-means, dead-code restarts,
 * quantise-dropout; see {@link ModelRngs}) and the data source's (random crops and flips), so k
 * steps + resume + k steps give the same bytes as 2k steps straight (CPU backend, same thread count). {@link #requestStop()} is safe from any thread (a shutdown hook, see
 * {@link #installShutdownHook}): the loop finishes its current step, writes a checkpoint and returns.
 */
public final class Trainer {
    private static final long DATA_SALT = 0x5EED_DA7AL;

    private final TrainingTask task;
    private final TrainConfig config;
    private static final String TASK_GENERATOR = "@task:";

    private final TrainingData train, heldOut;
    private final Path runDir;
    private final WarmupCosineLr schedule;
    private final TrainLog log;
    private Rng dataRng;
    private int step;
    private volatile boolean stopRequested;
    private volatile boolean running;
    private final CountDownLatch finished = new CountDownLatch(1);

    /** What a run did. losses[i] is the loss of step i + 1 (NaN for steps before a resume); parts.get(name)[i] likewise. */
    public record Result(int finalStep, boolean stoppedEarly, float[] losses, Map<String, float[]> parts, EvalReport lastEval, Path lastCheckpoint) {
        /** The series of a named part (e.g. recon_loss), all NaN when the model does not log it. */
        /** The last evaluation of a tokenizer run (PSNR, SSIM, usage...); an error for a prior's run. */
        public Evaluation.Result lastTokenizerEval() {
            if (lastEval == null || lastEval instanceof Evaluation.Result) return (Evaluation.Result) lastEval;
            throw new IllegalStateException("this run evaluated a " + lastEval.getClass().getSimpleName() + ", not a tokenizer");
        }

        public float[] part(String name) {
            float[] p = parts.get(name);
            if (p != null) return p;
            float[] nan = new float[losses.length];
            Arrays.fill(nan, Float.NaN);
            return nan;
        }
    }

    /** Builds the model a config describes with initial weights drawn from the seed. */
    public static VqVae newModel(VqVaeConfig config, long seed) {
        Init.manualSeed(seed);
        return new VqVae(config);
    }

    /** A VQ-VAE trainer (the model's single optimiser from the config). */
    public Trainer(VqVae model, TrainConfig config, ImageDataset train, ImageDataset heldOut, Path runDir) {
        this(new VqVaeTask(model, config), config, train, heldOut, runDir);
    }

    /**
     * @param heldOut may be null (no evaluation)
     * @param runDir  where the log, grids and checkpoints go; null for none (tests, quick experiments)
     */
    public Trainer(TrainingTask task, TrainConfig config, TrainingData train, TrainingData heldOut, Path runDir) {
        task.checkData(train);
        if (train.size() < 1) throw new IllegalArgumentException("Trainer: the training data is empty (" + train.describe() + ")");
        this.task = task;
        this.config = config;
        this.train = train;
        this.heldOut = heldOut;
        this.runDir = runDir;
        this.schedule = new WarmupCosineLr(config.lr(), config.warmupSteps(), config.steps(), config.minLr());
        this.log = runDir == null ? null : new TrainLog(runDir);
        this.dataRng = new Rng(config.seed() ^ DATA_SALT);
    }

    public TrainingTask task() {
        return task;
    }

    public int step() {
        return step;
    }

    /** Restores weights, every optimiser's state, step, data order and the model's and data source's generators from a checkpoint directory. */
    public void resumeFrom(Path checkpointDir) {
        Checkpoints.Info info = Checkpoints.info(checkpointDir);
        if (!info.modelType().equals(task.modelType()))
            throw new IllegalArgumentException("resume: checkpoint " + info.directory() + " holds a " + info.modelType() + ", this run trains a " + task.modelType());
        String saved = Checkpoints.configJson(info.modelType(), info.sections(), null), built = Checkpoints.configJson(task.modelType(), task.configSections(), null);
        if (!dev.vq4j.core.io.Json.parse(saved).equals(dev.vq4j.core.io.Json.parse(built)))
            throw new IllegalArgumentException("resume: checkpoint " + info.directory() + " holds a model configured as\n" + saved + "\nthis run builds\n" + built);
        if (info.state() == null) throw new IllegalArgumentException("resume: checkpoint " + info.directory() + " has no " + Checkpoints.STATE);
        if (info.state().step() > config.steps())
            throw new IllegalArgumentException("resume: checkpoint " + info.directory() + " is at step " + info.state().step()
                    + ", beyond the run's " + config.steps() + " steps");
        Checkpoints.loadWeights(task.model(), info.directory());
        Checkpoints.loadOptimizers(task, info.directory());
        this.dataRng = Rng.restore(info.state().dataRng());
        Map<String, long[]> modelStates = new LinkedHashMap<>(), taskStates = new LinkedHashMap<>();
        info.state().modelRngs().forEach((k, v) -> (k.startsWith(TASK_GENERATOR) ? taskStates : modelStates)
                .put(k.startsWith(TASK_GENERATOR) ? k.substring(TASK_GENERATOR.length()) : k, v));
        ModelRngs.restore(task.model(), modelStates, info.directory().toString());
        task.restoreGenerators(taskStates);
        long[] sourceRng = info.state().dataSourceRng();
        if ((sourceRng == null) != (train.rngState() == null))
            throw new IllegalArgumentException("resume: checkpoint " + info.directory() + (sourceRng == null ? " has no" : " has a")
                    + " data-source generator state, but " + train.describe() + (sourceRng == null ? " draws random crops or flips" : " draws none"));
        if (sourceRng != null) train.restoreRng(sourceRng);
        this.step = info.state().step();
        if (log != null) log.truncateAfter(step);
    }

    /** Asks the loop to stop after the current step (and checkpoint). Safe from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * A JVM shutdown hook (Ctrl-C) that requests a stop and waits up to {@code wait} for the loop to
     * write its checkpoint. Remove it with {@link Runtime#removeShutdownHook} after the run.
     */
    public Thread installShutdownHook(Duration wait) {
        Thread hook = new Thread(() -> {
            if (!running) return;
            requestStop();
            try {
                finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vq4j-trainer-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Runs to the last step (or a requested stop), holding the run directory's {@link RunLock} throughout. */
    public Result run(TrainListener listener) {
        TrainListener l = listener == null ? new TrainListener() {} : listener;
        running = true;
        try (RunLock ignored = runDir == null ? null : RunLock.acquire(runDir)) {
            return loop(l);
        } finally {
            running = false;
            finished.countDown();
        }
    }

    private Result loop(TrainListener l) {
        int total = config.steps();
        float[] losses = new float[total];
        Arrays.fill(losses, Float.NaN);
        Map<String, float[]> parts = new LinkedHashMap<>();
        EvalReport lastEval = null;
        Path lastCheckpoint = null;
        int startStep = step;
        long start = System.nanoTime();
        boolean stopped = false;
        task.model().train();
        while (step < total) {
            int s = step + 1;
            int[] indices = new int[config.batchSize()];
            for (int i = 0; i < indices.length; i++) indices[i] = (int) dataRng.nextLong(train.size());
            // the step's activations and gradients are freed when it ends (device memory stays flat)
            try (MemoryScope ignored = MemoryScope.open()) {
                TrainingData.Batch batch = train.examples(indices);
                double lr = schedule.lr(s);
                for (Optimizer o : task.optimizers().values()) o.setLr(lr);
                TrainingTask.StepResult r = task.step(batch, new StepContext(s, lr, config.clipNorm()));
                step = s;
                losses[s - 1] = r.loss();
                for (Map.Entry<String, Float> e : r.parts().entrySet()) {
                    float[] series = parts.computeIfAbsent(e.getKey(), k -> {
                        float[] a = new float[total];
                        Arrays.fill(a, Float.NaN);
                        return a;
                    });
                    series[s - 1] = e.getValue();
                }
                float usage = r.codes() == null ? Float.NaN : Evaluation.batchUsage(r.codes(), task.tokenizer().codebookSize());
                double rate = (s - startStep) / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                StepStats stats = new StepStats(s, total, r.loss(), r.parts(), usage, lr, r.gradNorm(), rate);
                l.onStep(stats);
                boolean last = s == total, stopNow = stopRequested && !last;
                if (log != null && (s % config.logEvery() == 0 || last || stopNow)) log.append(record(stats));
                if (heldOut != null && config.evalImages() > 0 && ((config.evalEvery() > 0 && s % config.evalEvery() == 0) || last)) {
                    lastEval = task.evaluate(heldOut, Math.max(config.batchSize(), 32));
                    l.onEval(s, lastEval);
                    if (log != null) log.append(evalRecord(s, lastEval));
                    if (runDir != null) writeGrid(s);
                }
                if (runDir != null && ((config.checkpointEvery() > 0 && s % config.checkpointEvery() == 0) || last || stopNow)) {
                    lastCheckpoint = checkpoint(lr);
                    l.onCheckpoint(s, lastCheckpoint);
                }
                if (stopNow) {
                    stopped = true;
                    break;
                }
            }
        }
        return new Result(step, stopped, losses, parts, lastEval, lastCheckpoint);
    }

    /** {@code <run>/samples/step-N.png}: the task's grid (held-out images above their reconstructions, or new samples). */
    private void writeGrid(int s) {
        Path png = runDir.resolve("samples").resolve(String.format("step-%08d.png", s));
        try {
            Files.createDirectories(png.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + png.getParent() + ": " + e.getMessage(), e);
        }
        task.writeSamples(png, heldOut);
    }

    /** Writes a checkpoint of the current state now (normally the loop does this). */
    public Path checkpoint(double lr) {
        if (runDir == null) throw new IllegalStateException("Trainer: no run directory, cannot checkpoint");
        Map<String, long[]> generators = new LinkedHashMap<>(ModelRngs.capture(task.model()));
        task.generatorStates().forEach((k, v) -> generators.put(TASK_GENERATOR + k, v));
        TrainerState state = new TrainerState(step, dataRng.state(), generators, train.rngState(), lr, config.warmupSteps(), config.steps());
        try {
            return Checkpoints.write(runDir, task, config, state, config.keepCheckpoints());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint under " + runDir + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> record(StepStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", s.step());
        m.put("loss", s.loss());
        m.putAll(s.parts());
        if (!Float.isNaN(s.usage())) m.put("usage", s.usage()); // NaN: a model without a codebook (a prior)
        m.put("lr", s.lr());
        m.put("grad_norm", s.gradNorm());
        m.put("steps_per_s", s.stepsPerSecond());
        m.put("time", System.currentTimeMillis());
        return m;
    }

    private static Map<String, Object> evalRecord(int step, EvalReport r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put(r.countName(), r.count());
        e.putAll(r.metrics());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("eval", e);
        return m;
    }
}
