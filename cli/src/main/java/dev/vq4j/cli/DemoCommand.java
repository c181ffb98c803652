package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.prior.Priors;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.Evaluation;
import dev.vq4j.models.train.VqVaeTask;
import dev.vq4j.models.vqvae.VqVae;
import dev.vq4j.models.train.StepStats;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.train.TrainListener;
import dev.vq4j.models.train.Trainer;
import dev.vq4j.models.viz.Plots;
import dev.vq4j.models.vqvae.QuantizerOptions;
import dev.vq4j.models.vqvae.VqVaeConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vq4j demo}: the whole story on built-in images in about 3 minutes on 2 cores. (1) Trains a
 * VQ-VAE tokenizer (EMA codebook with dead-code restarts) and writes a reconstruction grid, a loss
 * curve and a codebook-usage chart; (2) tokenises the training images and their mirrors with their
 * shape labels; (3) trains a small class-conditional prior (taming's GPT, or MaskGIT) on the codes;
 * (4) samples a row of new images per class into samples.png. {@code --judge-steps N} also trains a
 * classifier on real images and reports how many samples it assigns to the class they were asked for.
 *
 * <p>By default the images are {@code builtin:single} at 16×16 (one shape on a flat background; a
 * 64-code tokenizer with 2× downsampling gives 8×8 grids): a prior trained for two minutes learns to
 * draw them. {@code --data builtin --image-size 32 --codebook-size 512} runs the same story on the
 * textured scenes, which the tokenizer reconstructs well but a two-minute prior cannot yet draw.
 */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "train a tokenizer and a class-conditional prior on built-in images (~3 min): reconstructions, new samples, plots, checkpoints";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.value("steps", "1000", "tokenizer training steps; auto: as many as fit in --minutes, from a short speed probe (which underestimates, as the JIT is still warming up)"),
                Options.Spec.value("minutes", "1.5", "tokenizer training time budget for --steps auto"),
                Options.Spec.value("batch", "16", "images per tokenizer step"),
                Options.Spec.value("image-size", "16", "image side in pixels"),
                Options.Spec.value("downsample", "2", "tokenizer downsampling: 2 gives 8x8 codes per 16x16 image (16x16 per 32x32), 4 halves each side (blurrier, a faster prior)"),
                Options.Spec.value("data", "builtin:single", "built-in images: builtin:single (one shape on a flat background) or builtin (textured scenes of 2-5 shapes)"),
                Options.Spec.value("codebook-size", "64", "tokenizer codebook size (512 for the textured scenes)"),
                Options.Spec.value("seed", "1", "random seed (data, initialisation, data order)"),
                Options.Spec.value("dead-code-threshold", "1", "restart codes used less than this many times per batch (moving average), 0 = off"),
                Options.Spec.value("prior", "gpt", "the prior: gpt or maskgit"),
                Options.Spec.value("prior-steps", "1200", "prior training steps (0: stop after the tokenizer)"),
                Options.Spec.value("judge-steps", "0", "train a classifier on real images for this many steps and score the samples' classes (0: off)"),
                Options.Spec.value("out", null, "run directory (default runs/demo-<timestamp>)"));
    }

    /**
     * Times steps 41..70 of the same model on a small throwaway set (initialisation and data do not
     * touch the real run). The first steps run while the JIT compiles and would understate the speed
     * about threefold, so they are not timed.
     */
    private static double measureStepsPerSecond(VqVaeConfig model, String data, int size, int batch) {
        int warm = 40, timed = 30;
        TrainConfig probe = new TrainConfig(data, size, 64, 0, warm + timed, batch, "adam", 1e-3, 1e-4, 1, 0, 1.0, 12345, 1000, 0, 0, 1);
        long[] at = new long[2];
        new Trainer(Trainer.newModel(model, 12345), probe, TrainingRun.trainData(probe), null, null).run(new TrainListener() {
            @Override
            public void onStep(StepStats s) {
                if (s.step() == warm) at[0] = System.nanoTime();
                if (s.step() == warm + timed) at[1] = System.nanoTime();
            }
        });
        return timed / Math.max(1e-9, (at[1] - at[0]) / 1e9);
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (!options.positional().isEmpty()) throw new UsageException("takes no arguments, got " + options.positional());
        int batch = options.integer("batch"), size = options.integer("image-size");
        boolean auto = "auto".equals(options.string("steps"));
        double minutes = options.number("minutes");
        if (auto && !(minutes > 0)) throw new UsageException("--minutes must be > 0, got " + options.string("minutes"));
        int steps = auto ? 0 : options.integer("steps");
        if (!auto && steps < 1) throw new UsageException("--steps must be >= 1 or auto, got " + steps);
        if (batch < 1) throw new UsageException("--batch must be >= 1, got " + batch);
        if (size < 8 || size % 4 != 0) throw new UsageException("--image-size must be a multiple of 4 and >= 8, got " + size);
        Path runDir = options.string("out") != null ? Path.of(options.string("out"))
                : Path.of("runs", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        double deadCode = options.number("dead-code-threshold");
        if (!(deadCode >= 0) || !Double.isFinite(deadCode)) throw new UsageException("--dead-code-threshold must be a number >= 0, got " + options.string("dead-code-threshold"));
        int downsample = options.integer("downsample"), priorSteps = options.integer("prior-steps"), judgeSteps = options.integer("judge-steps");
        if (downsample != 2 && downsample != 4) throw new UsageException("--downsample must be 2 or 4, got " + downsample);
        if (priorSteps < 0 || judgeSteps < 0) throw new UsageException("--prior-steps and --judge-steps must be >= 0");
        String data = options.string("data");
        if (!data.equals("builtin") && !data.equals("builtin:single")) throw new UsageException("--data must be builtin or builtin:single, got " + data);
        String priorType = options.string("prior");
        if (!Priors.MODEL_TYPES.contains(priorType)) throw new UsageException("--prior must be one of " + Priors.MODEL_TYPES + ", got " + priorType);
        VqVaeConfig model = new VqVaeConfig(3, 64, 32, 2, downsample, "ema", options.integer("codebook-size"), 16, 0.25, false)
                .withOptions(QuantizerOptions.DEFAULTS.withDeadCodeThreshold(deadCode));
        InfoCommand.print(out, false);
        out.println();
        if (auto) {
            double rate = measureStepsPerSecond(model, data, size, batch);
            steps = (int) Math.max(100, Math.min(20_000, Math.round(0.9 * rate * minutes * 60)));
            out.printf(Locale.ROOT, "this machine trains %.1f steps/s: %d steps fit in %.1f minutes (--steps N to choose)%n", rate, steps, minutes);
        }
        TrainConfig train = new TrainConfig(data, size, 2048, 256, steps, batch, "adam", 2e-3, 1e-4, Math.min(100, steps / 10), 0, 1.0,
                options.integer("seed"), 10, 0, 0, 1);
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve(Checkpoints.CONFIG), Checkpoints.configJson(VqVae.MODEL_TYPE, Map.of("model", model.toMap()), train));
        } catch (IOException e) {
            throw new UsageException("cannot write to --out " + runDir + ": " + e.getMessage());
        }
        out.printf(Locale.ROOT, "1. training a VQ-VAE to reconstruct %dx%d built-in images through %dx%d grids of %d discrete codes: %d steps of %d images%n",
                size, size, size / downsample, size / downsample, model.codebookSize(), steps, batch);
        ImageDataset trainData = TrainingRun.trainData(train);
        TrainingRun.Outcome o = TrainingRun.run(VqVaeTask.create(model, train), train, trainData, TrainingRun.heldOutData(train), runDir, null, out);
        Evaluation.Result e = o.result().lastTokenizerEval();
        Path grid = runDir.resolve("reconstructions.png"), curve = runDir.resolve("loss.png"), usage = runDir.resolve("codebook_usage.png");
        ImageDataset heldOut = (ImageDataset) o.heldOut();
        Tensor originals = heldOut.batch(Loaded.range(0, Math.min(8, heldOut.size())));
        Tensor recon = o.trainer().task().tokenizer().reconstructImages(originals).images();
        Plots.imageGrid(grid, List.of(originals, recon), List.of("original", "reconstruction"));
        Map<String, float[]> series = new LinkedHashMap<>();
        series.put("total loss", o.result().losses());
        series.put("reconstruction MSE", o.result().part("recon_loss"));
        Plots.lineChart(curve, "VQ-VAE training loss", "step", "loss", series, true);
        float[] counts = new float[e.codeCounts().length];
        for (int i = 0; i < counts.length; i++) counts[i] = e.codeCounts()[i];
        Plots.barChart(usage, String.format(Locale.ROOT, "codebook usage on held-out images (%.0f%% of %d codes used)", 100 * e.usage(), counts.length),
                "code (sorted by use)", "occurrences", counts, true);
        out.printf(Locale.ROOT, "trained %d steps in %.1f s (%.1f steps/s)%n", o.result().finalStep(), o.seconds(), o.result().finalStep() / o.seconds());
        out.printf(Locale.ROOT, "held-out  PSNR %.2f dB, codebook usage %.1f%% (%d of %d codes), perplexity %.1f on %d images%n", e.psnr(), 100 * e.usage(),
                Math.round(e.usage() * counts.length), counts.length, e.perplexity(), e.images());
        List<String> wrote = new java.util.ArrayList<>(List.of(grid + "   (originals above reconstructions)", curve.toString(), usage.toString(),
                o.result().lastCheckpoint() + "   (vq4j eval --checkpoint " + runDir + ")"));
        if (priorSteps > 0) wrote.addAll(DemoGeneration.run(runDir, o.trainer().task().tokenizer(), train, priorType, priorSteps, judgeSteps, out));
        out.println("wrote");
        for (String w : wrote) out.println("  " + w);
        return 0;
    }
}
