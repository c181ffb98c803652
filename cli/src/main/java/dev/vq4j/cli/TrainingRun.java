package dev.vq4j.cli;

import dev.vq4j.models.data.DataSources;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.NonFiniteLossException;
import dev.vq4j.models.train.StepStats;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.train.TrainListener;
import dev.vq4j.models.train.Trainer;
import dev.vq4j.models.train.TrainingData;
import dev.vq4j.models.train.TrainingTask;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Shared by {@code vq4j train} (every model) and {@code vq4j demo}: data, trainer, Ctrl-C hook and progress bar. */
final class TrainingRun {
    private TrainingRun() {}

    record Outcome(Trainer trainer, Trainer.Result result, TrainingData heldOut, double seconds) {}

    /** Opens the data the train config names; the model's image channels follow the data's. */
    static ImageDataset trainData(TrainConfig t) {
        try {
            return DataSources.train(t);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static ImageDataset heldOutData(TrainConfig t) {
        try {
            return DataSources.heldOut(t);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static Outcome run(TrainingTask task, TrainConfig t, TrainingData train, TrainingData heldOut, Path runDir, Path resumeFrom, PrintStream out) {
        Trainer trainer;
        try {
            trainer = new Trainer(task, t, train, heldOut, runDir);
            if (resumeFrom != null) trainer.resumeFrom(resumeFrom);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        int start = trainer.step();
        out.printf(Locale.ROOT, "data      %s%n", train.describe());
        out.printf(Locale.ROOT, "model     %s%n", task.describe());
        out.printf(Locale.ROOT, "run       %s%s%n", runDir, start > 0 ? " (resuming at step " + start + ")" : "");
        if (start >= t.steps()) throw new UsageException("the checkpoint is already at step " + start + " of " + t.steps() + " (raise --steps to train on)");
        ProgressBar bar = ProgressBar.forStdout(out, t.steps() - start);
        Thread hook = trainer.installShutdownHook(Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        Trainer.Result result;
        try {
            result = trainer.run(new TrainListener() {
                @Override
                public void onStep(StepStats s) {
                    String usage = Float.isNaN(s.usage()) ? "" : String.format(Locale.ROOT, "  usage %3.0f%%", 100 * s.usage());
                    bar.update(s.step() - start, String.format(Locale.ROOT, "step %d  loss %.4f  %s%s  lr %.1e",
                            s.step(), s.loss(), headline(s.parts()), usage, s.lr()));
                }
            });
        } catch (NonFiniteLossException e) {
            throw new IllegalStateException("training stopped: " + e.getMessage() + "; the last checkpoint is in " + runDir.resolve(Checkpoints.DIR), e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down (Ctrl-C): the hook is running and waits for us
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (result.stoppedEarly()) out.printf(Locale.ROOT, "%nstopped at step %d; checkpoint %s (resume with --resume %s)%n", result.finalStep(),
                result.lastCheckpoint(), runDir);
        return new Outcome(trainer, result, heldOut, seconds);
    }

    /** The reconstruction term for the progress bar: VQ-VAE's MSE or VQGAN's L1 (and the discriminator's loss once it is on). */
    private static String headline(Map<String, Float> parts) {
        StringBuilder sb = new StringBuilder();
        if (parts.containsKey("recon_loss")) sb.append(String.format(Locale.ROOT, "recon %.4f", parts.get("recon_loss")));
        if (parts.containsKey("l1")) sb.append(String.format(Locale.ROOT, "l1 %.4f", parts.get("l1")));
        if (parts.containsKey("bits_per_token")) sb.append(String.format(Locale.ROOT, "%.3f bits/token", parts.get("bits_per_token")));
        if (parts.containsKey("d_loss")) sb.append(String.format(Locale.ROOT, "  d %.4f", parts.get("d_loss")));
        return sb.toString();
    }
}
