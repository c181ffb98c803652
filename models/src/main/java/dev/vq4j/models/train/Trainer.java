package dev.vq4j.models.train;

import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.optim.Adam;
import dev.vq4j.autograd.optim.AdamW;
import dev.vq4j.autograd.optim.GradClipping;
import dev.vq4j.autograd.optim.WarmupCosineLr;
import dev.vq4j.core.MemoryScope;
import dev.vq4j.core.Rng;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.vqvae.VqVae;
import dev.vq4j.models.vqvae.VqVaeConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Trains a {@link VqVae}: loss = MSE(reconstruction, images) + quantiser loss, Adam or AdamW,
 * linear warm-up + cosine learning rate, gradient clipping, batches drawn with replacement by a
 * seeded generator. Logs to {@code <run>/train_log.jsonl}, evaluates on held-out data, and writes
 * checkpoints under {@code <run>/checkpoints/} (see {@link Checkpoints}).
 *
 * <p>Resuming ({@link #resumeFrom}) restores weights, optimiser state, the step, the data-order
 * generator, the generators inside the model (quantisers' k-means, dead-code restarts,
 * quantise-dropout; see {@link ModelRngs}) and the data source's (random crops and flips), so k steps + resume + k steps give the same bytes as 2k steps straight (CPU backend,
 * same thread count). {@link #requestStop()} is safe from any thread (a shutdown hook, see
 * {@link #installShutdownHook}): the loop finishes its current step, writes a checkpoint and returns.
 */
public final class Trainer {
    private static final long DATA_SALT = 0x5EED_DA7AL;

    private final VqVae model;
    private final TrainConfig config;
    private final ImageDataset train, heldOut;
    private final Path runDir;
    private final Adam optimizer;
    private final WarmupCosineLr schedule;
    private final TrainLog log;
    private Rng dataRng;
    private int step;
    private volatile boolean stopRequested;
    private volatile boolean running;
    private final CountDownLatch finished = new CountDownLatch(1);

    /** What a run did. losses[i] and reconLosses[i] are those of step i + 1 (NaN for steps before a resume). */
    public record Result(int finalStep, boolean stoppedEarly, float[] losses, float[] reconLosses, Evaluation.Result lastEval, Path lastCheckpoint) {}

    /** Builds the model a config describes with initial weights drawn from the seed. */
    public static VqVae newModel(VqVaeConfig config, long seed) {
        Init.manualSeed(seed);
        return new VqVae(config);
    }

    /**
     * @param heldOut may be null (no evaluation)
     * @param runDir  where the log and checkpoints go; null for neither (tests, quick experiments)
     */
    public Trainer(VqVae model, TrainConfig config, ImageDataset train, ImageDataset heldOut, Path runDir) {
        VqVaeConfig mc = model.config();
        if (train.channels() != mc.imageChannels())
            throw new IllegalArgumentException("Trainer: the data has " + train.channels() + " channels (" + train.describe() + "), the model expects "
                    + mc.imageChannels());
        mc.checkImageSize(train.height(), train.width());
        if (train.size() < 1) throw new IllegalArgumentException("Trainer: the training data is empty (" + train.describe() + ")");
        this.model = model;
        this.config = config;
        this.train = train;
        this.heldOut = heldOut;
        this.runDir = runDir;
        this.optimizer = "adamw".equals(config.optimizer()) ? new AdamW(model.parameters(), config.lr()) : new Adam(model.parameters(), config.lr());
        optimizer.weightDecay(config.weightDecay());
        this.schedule = new WarmupCosineLr(config.lr(), config.warmupSteps(), config.steps(), config.minLr());
        this.log = runDir == null ? null : new TrainLog(runDir);
        this.dataRng = new Rng(config.seed() ^ DATA_SALT);
    }

    public VqVae model() {
        return model;
    }

    public int step() {
        return step;
    }

    public Adam optimizer() {
        return optimizer;
    }

    /** Restores weights, optimiser state, step, data order and the model's and data source's generators from a checkpoint directory. */
    public void resumeFrom(Path checkpointDir) {
        Checkpoints.Info info = Checkpoints.info(checkpointDir);
        if (!info.model().equals(model.config()))
            throw new IllegalArgumentException("resume: checkpoint " + info.directory() + " holds a model " + info.model() + ", this run builds " + model.config());
        if (info.state() == null) throw new IllegalArgumentException("resume: checkpoint " + info.directory() + " has no " + Checkpoints.STATE);
        if (info.state().step() > config.steps())
            throw new IllegalArgumentException("resume: checkpoint " + info.directory() + " is at step " + info.state().step()
                    + ", beyond the run's " + config.steps() + " steps");
        Checkpoints.loadWeights(model, info.directory());
        Checkpoints.loadOptimizer(optimizer, info.directory());
        this.dataRng = Rng.restore(info.state().dataRng());
        ModelRngs.restore(model, info.state().modelRngs(), info.directory().toString());
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

    public Result run(TrainListener listener) {
        TrainListener l = listener == null ? new TrainListener() {} : listener;
        running = true;
        try {
            return loop(l);
        } finally {
            running = false;
            finished.countDown();
        }
    }

    private Result loop(TrainListener l) {
        int total = config.steps();
        float[] losses = new float[total], recon = new float[total];
        Arrays.fill(losses, Float.NaN);
        Arrays.fill(recon, Float.NaN);
        Evaluation.Result lastEval = null;
        Path lastCheckpoint = null;
        int startStep = step;
        long start = System.nanoTime();
        boolean stopped = false;
        model.train();
        while (step < total) {
            int s = step + 1;
            int[] indices = new int[config.batchSize()];
            for (int i = 0; i < indices.length; i++) indices[i] = (int) dataRng.nextLong(train.size());
            // the step's activations and gradients are freed when it ends (device memory stays flat)
            try (MemoryScope ignored = MemoryScope.open()) {
                Tensor images = train.batch(indices);
                double lr = schedule.lr(s);
                optimizer.setLr(lr);
                optimizer.zeroGrad();
                VqVae.Output out = model.forwardAll(images);
                Tensor reconLoss = Losses.mse(out.reconstruction(), images, Losses.Reduction.MEAN);
                Tensor quantLoss = out.quantized().loss();
                Tensor loss = reconLoss.add(quantLoss);
                float reconValue = finite("recon_loss", reconLoss.item(), s), quantValue = finite("quantizer_loss", quantLoss.item(), s);
                float lossValue = finite("loss", loss.item(), s);
                loss.backward();
                double gradNorm = config.clipNorm() > 0 ? GradClipping.clipGradNorm(model.parameters(), config.clipNorm()) : Double.NaN;
                if (config.clipNorm() > 0) finite("grad_norm", (float) gradNorm, s);
                optimizer.step();
                step = s;
                losses[s - 1] = lossValue;
                recon[s - 1] = reconValue;
                float usage = Evaluation.batchUsage(out.quantized().indices(), model.quantizer().codebookSize());
                double rate = (s - startStep) / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                StepStats stats = new StepStats(s, total, lossValue, reconValue, quantValue, usage, lr, gradNorm, rate);
                l.onStep(stats);
                boolean last = s == total, stopNow = stopRequested && !last;
                if (log != null && (s % config.logEvery() == 0 || last || stopNow)) log.append(record(stats));
                if (heldOut != null && config.evalImages() > 0 && ((config.evalEvery() > 0 && s % config.evalEvery() == 0) || last)) {
                    lastEval = Evaluation.evaluate(model, heldOut, Math.max(config.batchSize(), 32));
                    l.onEval(s, lastEval);
                    if (log != null) log.append(evalRecord(s, lastEval));
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
        return new Result(step, stopped, losses, recon, lastEval, lastCheckpoint);
    }

    /** Writes a checkpoint of the current state now (normally the loop does this). */
    public Path checkpoint(double lr) {
        if (runDir == null) throw new IllegalStateException("Trainer: no run directory, cannot checkpoint");
        TrainerState state = new TrainerState(step, dataRng.state(), ModelRngs.capture(model), train.rngState(), lr, config.warmupSteps(), config.steps());
        try {
            return Checkpoints.write(runDir, model, config, optimizer, state, config.keepCheckpoints());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint under " + runDir + ": " + e.getMessage(), e);
        }
    }

    private static float finite(String name, float value, int step) {
        if (!Float.isFinite(value)) throw new NonFiniteLossException(name, value, step);
        return value;
    }

    private static Map<String, Object> record(StepStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", s.step());
        m.put("loss", s.loss());
        m.put("recon_loss", s.reconLoss());
        m.put("quantizer_loss", s.quantizerLoss());
        m.put("usage", s.usage());
        m.put("lr", s.lr());
        m.put("grad_norm", s.gradNorm());
        m.put("steps_per_s", s.stepsPerSecond());
        m.put("time", System.currentTimeMillis());
        return m;
    }

    private static Map<String, Object> evalRecord(int step, Evaluation.Result r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("images", r.images());
        e.put("mse", r.mse());
        e.put("psnr", r.psnr());
        e.put("usage", r.usage());
        e.put("perplexity", r.perplexity());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("eval", e);
        return m;
    }
}
