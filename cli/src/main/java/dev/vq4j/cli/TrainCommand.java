package dev.vq4j.cli;

import dev.vq4j.core.io.Json;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.Evaluation;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.vqvae.JsonWriter;
import dev.vq4j.models.vqvae.VqVaeConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vq4j train}: trains a VQ-VAE. Settings come from the defaults, then a {@code --config} JSON
 * file ({@code {"model": {...}, "train": {...}}}, the layout of a checkpoint's config.json), then flags.
 */
final class TrainCommand implements Command {
    /** A flag that sets one config key. */
    private record Setting(String flag, String section, String key, char type, String help) {}

    private static final List<Setting> SETTINGS = List.of(
            new Setting("data", "train", "data", 's', "images: builtin, folder:PATH, mnist:PATH or cifar10:PATH (default builtin)"),
            new Setting("image-size", "train", "image_size", 'i', "image side in pixels (default 32)"),
            new Setting("train-images", "train", "train_images", 'i', "built-in training images to generate (default 2048)"),
            new Setting("eval-images", "train", "eval_images", 'i', "held-out images for evaluation, 0 for none (default 256)"),
            new Setting("steps", "train", "steps", 'i', "total training steps (default 2000)"),
            new Setting("batch", "train", "batch_size", 'i', "images per step (default 32)"),
            new Setting("optimizer", "train", "optimizer", 's', "adam or adamw (default adam)"),
            new Setting("lr", "train", "lr", 'd', "peak learning rate (default 2e-3)"),
            new Setting("min-lr", "train", "min_lr", 'd', "learning rate at the end of the cosine decay (default 1e-4)"),
            new Setting("warmup", "train", "warmup_steps", 'i', "linear warm-up steps (default 100)"),
            new Setting("weight-decay", "train", "weight_decay", 'd', "weight decay (default 0)"),
            new Setting("clip", "train", "clip_norm", 'd', "clip gradients to this global 2-norm, 0 = off (default 1)"),
            new Setting("seed", "train", "seed", 'l', "seed of initialisation, data and data order (default 1)"),
            new Setting("log-every", "train", "log_every", 'i', "steps between log-file lines (default 10)"),
            new Setting("eval-every", "train", "eval_every", 'i', "steps between held-out evaluations, 0 = at the end (default 0)"),
            new Setting("checkpoint-every", "train", "checkpoint_every", 'i', "steps between checkpoints, 0 = at the end (default 500)"),
            new Setting("keep", "train", "keep_checkpoints", 'i', "newest checkpoints to keep (default 3)"),
            new Setting("hidden", "model", "hidden_channels", 'i', "encoder/decoder channels (default 64)"),
            new Setting("residual-channels", "model", "residual_channels", 'i', "channels inside residual blocks (default 32)"),
            new Setting("residual-layers", "model", "residual_layers", 'i', "residual blocks per stack (default 2)"),
            new Setting("downsample", "model", "downsample", 'i', "downsampling factor, a power of two (default 4)"),
            new Setting("quantizer", "model", "quantizer", 's', "vq, ema, cosine, factorized, residual, fsq or lfq (default vq)"),
            new Setting("codebook-size", "model", "codebook_size", 'i', "number of codes (default 128; fsq: product of --levels; lfq: 2^code-dim)"),
            new Setting("code-dim", "model", "code_dim", 'i', "latent channels fed to the quantiser (default 16; fsq: number of --levels)"),
            new Setting("beta", "model", "beta", 'd', "commitment weight; lfq: its commitment weight (default 0.25)"),
            new Setting("legacy", "model", "legacy", 'b', "vq: taming-transformers' loss weighting"),
            new Setting("cosine", "model", "cosine", 'b', "vq, ema, residual: l2-normalised codes and latents"),
            new Setting("kmeans-init", "model", "kmeans_iters", 'i', "vq, ema, residual, factorized: k-means on the first batch, this many Lloyd iterations (default 0 = off)"),
            new Setting("dead-code-threshold", "model", "dead_code_threshold", 'd',
                    "vq, ema, residual, factorized: restart codes used less than this many times per batch (moving average) from current latents (default 0 = off)"),
            new Setting("ema-decay", "model", "ema_decay", 'd', "ema: decay of the moving averages (default 0.99)"),
            new Setting("ema-eps", "model", "ema_eps", 'd', "ema: Laplace smoothing epsilon (default 1e-5)"),
            new Setting("stages", "model", "stages", 'i', "residual: number of stages (default 4)"),
            new Setting("quantize-dropout", "model", "quantize_dropout", 'b', "residual: train with a random number of leading stages"),
            new Setting("levels", "model", "levels", 'L', "fsq: levels per channel, comma-separated (default 8,5,5,5)"),
            new Setting("factor-dim", "model", "factor_dim", 'i', "factorized: dimension of the l2-normalised codes (default 8)"),
            new Setting("entropy-weight", "model", "entropy_weight", 'd', "lfq: weight of the entropy loss (default 0.1)"),
            new Setting("skip-bad-files", "train", "skip_bad_files", 'b', "image folders: leave undecodable files out with a warning (default: the first is an error)"));

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a VQ-VAE (flags or --config FILE), with checkpoints, a JSONL log and --resume";
    }

    @Override
    public List<Options.Spec> options() {
        List<Options.Spec> specs = new ArrayList<>();
        specs.add(Options.Spec.value("config", null, "JSON file {\"model\": {...}, \"train\": {...}}; flags override it"));
        specs.add(Options.Spec.value("out", null, "run directory for checkpoints and the log (default runs/train-<timestamp>)"));
        specs.add(Options.Spec.value("resume", null, "continue from a checkpoint or run directory (only --steps may change)"));
        for (Setting s : SETTINGS) specs.add(s.type() == 'b' ? Options.Spec.flag(s.flag(), s.help()) : Options.Spec.value(s.flag(), null, s.help()));
        return specs;
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (!options.positional().isEmpty()) throw new UsageException("takes no arguments, got " + options.positional());
        VqVaeConfig model;
        TrainConfig train;
        Path runDir, resume = null;
        if (options.string("resume") != null) {
            for (Setting s : SETTINGS)
                if (!s.flag().equals("steps") && options.string(s.flag()) != null)
                    throw new UsageException("--" + s.flag() + " cannot change when resuming (only --steps can); start a new run with --out instead");
            if (options.string("config") != null) throw new UsageException("--config cannot be used with --resume (the checkpoint holds the config)");
            try {
                resume = Checkpoints.resolve(Path.of(options.string("resume")));
                Checkpoints.Info info = Checkpoints.info(resume);
                if (info.train() == null || info.state() == null) throw new UsageException(resume + " is not a training checkpoint (no train config or trainer state)");
                model = info.model();
                train = options.string("steps") == null ? info.train() : info.train().withSteps(options.integer("steps"));
                runDir = options.string("out") != null ? Path.of(options.string("out")) : Checkpoints.runDirOf(resume);
            } catch (UsageException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        } else {
            Map<String, Object> m = new LinkedHashMap<>(), t = new LinkedHashMap<>();
            if (options.string("config") != null) readConfigFile(Path.of(options.string("config")), m, t);
            for (Setting s : SETTINGS) {
                String v = options.string(s.flag());
                if (v != null) (s.section().equals("model") ? m : t).put(s.key(), parse(s, v));
            }
            try {
                train = TrainConfig.fromMap(t);
                model = VqVaeConfig.fromMap(m); // validated before the data is opened, so config errors come first
                if (!m.containsKey("image_channels")) {
                    m.put("image_channels", (long) TrainingRun.trainData(train).channels()); // 1 for MNIST, 3 otherwise
                    model = VqVaeConfig.fromMap(m);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            runDir = options.string("out") != null ? Path.of(options.string("out"))
                    : Path.of("runs", "train-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            if (Files.isDirectory(runDir.resolve(Checkpoints.DIR)))
                throw new UsageException(runDir + " already holds checkpoints: continue it with --resume " + runDir + " or choose another --out");
        }
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve("config.json"), JsonWriter.pretty(Map.of("model", model.toMap(), "train", train.toMap())));
        } catch (IOException e) {
            throw new UsageException("cannot write to --out " + runDir + ": " + e.getMessage());
        }
        TrainingRun.Outcome o = TrainingRun.run(model, train, runDir, resume, out);
        out.printf(Locale.ROOT, "trained %d steps in %.1f s; log %s%n", o.result().finalStep(), o.seconds(), runDir.resolve("train_log.jsonl"));
        Evaluation.Result e = o.result().lastEval();
        if (e != null)
            out.printf(Locale.ROOT, "held-out  PSNR %.2f dB, codebook usage %.1f%%, perplexity %.1f on %d images%n", e.psnr(), 100 * e.usage(), e.perplexity(), e.images());
        if (o.result().lastCheckpoint() != null) out.println("checkpoint " + o.result().lastCheckpoint());
        return 0;
    }

    private static Object parse(Setting s, String v) {
        try {
            return switch (s.type()) {
                case 'i', 'l' -> Long.parseLong(v);
                case 'd' -> Double.parseDouble(v);
                case 'b' -> Boolean.TRUE;
                case 'L' -> {
                    List<Long> list = new ArrayList<>();
                    for (String part : v.split(",", -1)) list.add(Long.parseLong(part.strip()));
                    yield list;
                }
                default -> v;
            };
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + s.flag() + " expects " + switch (s.type()) {
                case 'd' -> "a number";
                case 'L' -> "comma-separated integers like 8,5,5,5";
                default -> "an integer";
            } + ", got '" + v + "'");
        }
    }

    private static void readConfigFile(Path file, Map<String, Object> model, Map<String, Object> train) {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new UsageException("--config " + file + " does not exist");
        } catch (IOException | UncheckedIOException e) {
            throw new UsageException("cannot read --config " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--config " + file + " is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> root)) throw new UsageException("--config " + file + " must hold a JSON object {\"model\": {...}, \"train\": {...}}");
        for (Map.Entry<?, ?> e : root.entrySet()) {
            Map<String, Object> target = switch (String.valueOf(e.getKey())) {
                case "model" -> model;
                case "train" -> train;
                default -> throw new UsageException("--config " + file + ": unknown section \"" + e.getKey() + "\" (expected \"model\" and \"train\")");
            };
            if (!(e.getValue() instanceof Map<?, ?> section)) throw new UsageException("--config " + file + ": \"" + e.getKey() + "\" must be an object");
            for (Map.Entry<?, ?> kv : section.entrySet()) target.put(String.valueOf(kv.getKey()), kv.getValue());
        }
    }
}
