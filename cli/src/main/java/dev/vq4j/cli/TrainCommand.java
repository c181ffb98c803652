package dev.vq4j.cli;

import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.prior.CodeDataset;
import dev.vq4j.models.prior.Priors;
import dev.vq4j.models.train.TrainingData;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.train.ConfigFiles;
import dev.vq4j.models.train.EvalReport;
import dev.vq4j.models.train.RunLock;
import dev.vq4j.models.train.TrainConfig;
import dev.vq4j.models.train.TrainingTask;
import dev.vq4j.models.train.TrainingTasks;
import dev.vq4j.models.vqgan.VqganCheckpoint;
import dev.vq4j.models.vqgan.VqganDefaults;
import dev.vq4j.models.vqgan.VqganSpec;
import dev.vq4j.models.vqgan.VqganTask;
import dev.vq4j.models.vqvae.VqVaeConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vq4j train --model vqvae|vqgan}: trains any model through the one {@link dev.vq4j.models.train.Trainer}.
 * Settings come from the model's defaults, then a {@code --config} file (JSON
 * {@code {"model": {...}, "loss": {...}, "train": {...}}}, the layout of a checkpoint's config.json,
 * or for VQGAN taming's {@code model.yaml}), then flags. Training and quantiser flags are shared by
 * every model under the same names; architecture flags belong to one model and are refused for the other.
 */
final class TrainCommand implements Command {
    /**
     * A flag that sets one config key.
     *
     * @param models   which models read it: "all", "tokenizers" (vqvae, vqgan), "priors" (gpt, maskgit) or one model type
     * @param vqganKey the key in a VQGAN's section when it differs (codebook_size is n_embed there, code_dim is embed_dim)
     */
    private record Setting(String flag, String section, String key, char type, String help, String models, String vqganKey) {
        Setting(String flag, String section, String key, char type, String help) {
            this(flag, section, key, type, help, "all", null);
        }

        boolean appliesTo(String model) {
            return models.equals("all") || models.equals(model) || models.equals("tokenizers") && TrainingTasks.TOKENIZER_TYPES.contains(model)
                    || models.equals("priors") && Priors.MODEL_TYPES.contains(model);
        }

        String keyFor(String model) {
            return model.equals("vqgan") && vqganKey != null ? vqganKey : key;
        }
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting("data", "train", "data", 's', "images: builtin, folder:PATH, mnist:PATH or cifar10:PATH (default builtin)", "tokenizers", null),
            new Setting("image-size", "train", "image_size", 'i', "image side in pixels (default 32)", "tokenizers", null),
            new Setting("train-images", "train", "train_images", 'i', "built-in training images to generate (default 2048)", "tokenizers", null),
            new Setting("eval-images", "train", "eval_images", 'i', "held-out images for evaluation, 0 for none (default 256)"),
            new Setting("steps", "train", "steps", 'i', "total training steps (default 2000)"),
            new Setting("batch", "train", "batch_size", 'i', "images per step (default 32; vqgan 16)"),
            new Setting("optimizer", "train", "optimizer", 's', "adam or adamw (default adam; vqgan: betas 0.5, 0.9 as taming)", "tokenizers", null),
            new Setting("lr", "train", "lr", 'd', "peak learning rate (default 2e-3; vqgan " + VqganDefaults.LR + ")"),
            new Setting("min-lr", "train", "min_lr", 'd', "learning rate at the end of the cosine decay (default 1e-4; vqgan " + VqganDefaults.MIN_LR + ")"),
            new Setting("warmup", "train", "warmup_steps", 'i', "linear warm-up steps (default 100)"),
            new Setting("weight-decay", "train", "weight_decay", 'd', "weight decay (default 0)", "tokenizers", null),
            new Setting("clip", "train", "clip_norm", 'd', "clip gradients to this global 2-norm, 0 = off (default 1)"),
            new Setting("seed", "train", "seed", 'l', "seed of initialisation, data and data order (default 1)"),
            new Setting("log-every", "train", "log_every", 'i', "steps between log-file lines (default 10)"),
            new Setting("eval-every", "train", "eval_every", 'i', "steps between held-out evaluations and PNG grids, 0 = at the end (default 0)"),
            new Setting("checkpoint-every", "train", "checkpoint_every", 'i', "steps between checkpoints, 0 = at the end (default 500)"),
            new Setting("keep", "train", "keep_checkpoints", 'i', "newest checkpoints to keep (default 3)"),
            new Setting("skip-bad-files", "train", "skip_bad_files", 'b', "image folders: leave undecodable files out with a warning (default: the first is an error)", "tokenizers", null),
            // quantiser: every tokenizer
            new Setting("quantizer", "model", "quantizer", 's', "vq, ema, cosine, factorized, residual, fsq or lfq (default vq; vqgan " + VqganDefaults.QUANTIZER + ")", "tokenizers", null),
            new Setting("codebook-size", "model", "codebook_size", 'i', "number of codes (default 128, vqgan 512; fsq: product of --levels; lfq: 2^code-dim)", "tokenizers", "n_embed"),
            new Setting("code-dim", "model", "code_dim", 'i', "latent channels fed to the quantiser (default 16, vqgan 64; fsq: number of --levels)", "tokenizers", "embed_dim"),
            new Setting("beta", "model", "beta", 'd', "commitment weight; lfq: its commitment weight (default 0.25)", "tokenizers", null),
            new Setting("legacy", "model", "legacy", 'b', "vq: taming-transformers' loss weighting", "tokenizers", null),
            new Setting("cosine", "model", "cosine", 'b', "vq, ema, residual: l2-normalised codes and latents", "tokenizers", null),
            new Setting("kmeans-init", "model", "kmeans_iters", 'i', "vq, ema, residual, factorized: k-means on the first batch, this many Lloyd iterations (default 0 = off)", "tokenizers", null),
            new Setting("dead-code-threshold", "model", "dead_code_threshold", 'd',
                    "vq, ema, residual, factorized: restart codes used less than this many times per batch (moving average) from current latents (default 0 = off)", "tokenizers", null),
            new Setting("ema-decay", "model", "ema_decay", 'd', "ema: decay of the moving averages (default 0.99)", "tokenizers", null),
            new Setting("ema-eps", "model", "ema_eps", 'd', "ema: Laplace smoothing epsilon (default 1e-5)", "tokenizers", null),
            new Setting("stages", "model", "stages", 'i', "residual: number of stages (default 4)", "tokenizers", null),
            new Setting("quantize-dropout", "model", "quantize_dropout", 'b', "residual: train with a random number of leading stages", "tokenizers", null),
            new Setting("levels", "model", "levels", 'L', "fsq: levels per channel, comma-separated (default 8,5,5,5)", "tokenizers", null),
            new Setting("factor-dim", "model", "factor_dim", 'i', "factorized: dimension of the l2-normalised codes (default 8)", "tokenizers", null),
            new Setting("entropy-weight", "model", "entropy_weight", 'd', "lfq: weight of the entropy loss (default 0.1)", "tokenizers", null),
            // VQ-VAE architecture
            new Setting("hidden", "model", "hidden_channels", 'i', "vqvae: encoder/decoder channels (default 64)", "vqvae", null),
            new Setting("residual-channels", "model", "residual_channels", 'i', "vqvae: channels inside residual blocks (default 32)", "vqvae", null),
            new Setting("residual-layers", "model", "residual_layers", 'i', "vqvae: residual blocks per stack (default 2)", "vqvae", null),
            new Setting("downsample", "model", "downsample", 'i', "vqvae: downsampling factor, a power of two (default 4)", "vqvae", null),
            // VQGAN architecture and loss (taming's names)
            new Setting("ch", "model", "ch", 'i', "vqgan: base channels, a multiple of 32 (default 64)", "vqgan", null),
            new Setting("ch-mult", "model", "ch_mult", 'L', "vqgan: channel multipliers per level; downsampling 2^(levels-1) (default 1,2,2)", "vqgan", null),
            new Setting("res-blocks", "model", "num_res_blocks", 'i', "vqgan: res blocks per level (default 1)", "vqgan", null),
            new Setting("attn", "model", "attn_resolutions", 'L', "vqgan: resolutions with attention blocks, e.g. 8 (default none)", "vqgan", null),
            new Setting("z-channels", "model", "z_channels", 'i', "vqgan: encoder output channels before quant_conv (default 64)", "vqgan", null),
            new Setting("disc-start", "loss", "disc_start", 'l', "vqgan: step at which the discriminator switches on (default " + VqganDefaults.DISC_START + ")", "vqgan", null),
            new Setting("disc-weight", "loss", "disc_weight", 'd', "vqgan: weight of the adaptive GAN term (default 0.8)", "vqgan", null),
            new Setting("disc-factor", "loss", "disc_factor", 'd', "vqgan: disc_factor (default 1)", "vqgan", null),
            new Setting("disc-ndf", "loss", "disc_ndf", 'i', "vqgan: discriminator base channels (default 64)", "vqgan", null),
            new Setting("disc-layers", "loss", "disc_num_layers", 'i', "vqgan: discriminator layers (default 3)", "vqgan", null),
            new Setting("disc-loss", "loss", "disc_loss", 's', "vqgan: hinge or vanilla (default hinge)", "vqgan", null),
            new Setting("codebook-weight", "loss", "codebook_weight", 'd', "vqgan: weight of the quantiser loss (default 1)", "vqgan", null),
            new Setting("perceptual-weight", "loss", "perceptual_weight", 'd', "vqgan: LPIPS weight; 0 without --lpips-weights (default 1)", "vqgan", null),
            // priors over codes (GPT, MaskGIT)
            new Setting("layers", "model", "n_layer", 'i', "gpt, maskgit: transformer blocks (default 4)", "priors", null),
            new Setting("heads", "model", "n_head", 'i', "gpt, maskgit: attention heads (default 4)", "priors", null),
            new Setting("width", "model", "n_embd", 'i', "gpt, maskgit: embedding width, a multiple of --heads (default 128)", "priors", null),
            new Setting("dropout", "model", "dropout", 'd', "gpt, maskgit: dropout on embeddings, attention and residuals (default 0)", "priors", null),
            new Setting("pkeep", "model", "pkeep", 'd', "gpt: keep each input code with this probability, else a random one (taming; default 1)", "gpt", null),
            new Setting("p-uncond", "model", "p_uncond", 'd', "gpt, maskgit: drop the label with this probability, for classifier-free guidance (default 0.1 with labels)", "priors", null));

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a tokenizer (VQ-VAE, VQGAN) or a prior over its codes (GPT, MaskGIT), with checkpoints, held-out evaluation, a JSONL log and --resume";
    }

    @Override
    public List<Options.Spec> options() {
        List<Options.Spec> specs = new ArrayList<>();
        specs.add(Options.Spec.value("model", null, "vqvae, vqgan, gpt or maskgit (default vqvae; when resuming: the checkpoint's)"));
        specs.add(Options.Spec.value("codes", null, "gpt, maskgit: the code grids to train on (vq4j tokenize); the last --eval-images grids are held out"));
        specs.add(Options.Spec.flag("unconditional", "gpt, maskgit: ignore the codes' labels (default: class-conditional when they have labels)"));
        specs.add(Options.Spec.value("config", null, "JSON file {\"model\": {...}, \"loss\": {...}, \"train\": {...}}, or for vqgan taming's model.yaml; flags override it"));
        specs.add(Options.Spec.value("out", null, "run directory for checkpoints, grids and the log (default runs/train-<timestamp>)"));
        specs.add(Options.Spec.value("resume", null, "continue from a checkpoint or run directory (only --steps may change)"));
        specs.add(Options.Spec.value("lpips-weights", null, "vqgan: LPIPS weights (.safetensors/.ckpt/.pt with perceptual_loss.* or loss.perceptual_loss.* keys)"));
        for (Setting s : SETTINGS) specs.add(s.type() == 'b' ? Options.Spec.flag(s.flag(), s.help()) : Options.Spec.value(s.flag(), null, s.help()));
        return specs;
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (!options.positional().isEmpty()) throw new UsageException("takes no arguments, got " + options.positional());
        String modelType;
        Map<String, Object> sections;
        TrainConfig train;
        Path runDir, resume = null;
        if (options.string("resume") != null) {
            for (Setting s : SETTINGS)
                if (!s.flag().equals("steps") && options.string(s.flag()) != null)
                    throw new UsageException("--" + s.flag() + " cannot change when resuming (only --steps can); start a new run with --out instead");
            for (String f : List.of("config", "lpips-weights", "codes"))
                if (options.string(f) != null) throw new UsageException("--" + f + " cannot be used with --resume (the checkpoint holds it)");
            try {
                resume = Checkpoints.resolve(Path.of(options.string("resume")));
                Checkpoints.Info info = Checkpoints.info(resume);
                if (info.train() == null || info.state() == null) throw new UsageException(resume + " is not a training checkpoint (no train config or trainer state)");
                modelType = info.modelType();
                if (options.string("model") != null && !options.string("model").equals(modelType))
                    throw new UsageException("--model " + options.string("model") + ", but " + resume + " holds a " + modelType);
                sections = info.sections();
                train = options.string("steps") == null ? info.train() : info.train().withSteps(options.integer("steps"));
                runDir = options.string("out") != null ? Path.of(options.string("out")) : Checkpoints.runDirOf(resume);
                refuseOlderThanTheRun(resume, runDir);
            } catch (UsageException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        } else {
            modelType = options.string("model") != null ? options.string("model") : "vqvae";
            if (!TrainingTasks.MODEL_TYPES.contains(modelType)) throw new UsageException("--model must be one of " + TrainingTasks.MODEL_TYPES + ", got " + modelType);
            for (Setting s : SETTINGS)
                if (!s.appliesTo(modelType) && options.string(s.flag()) != null)
                    throw new UsageException("--" + s.flag() + " applies to --model " + switch (s.models()) {
                        case "tokenizers" -> "vqvae or vqgan";
                        case "priors" -> "gpt or maskgit";
                        default -> s.models();
                    } + " only");
            if (!modelType.equals("vqgan") && options.string("lpips-weights") != null) throw new UsageException("--lpips-weights applies to --model vqgan only");
            boolean prior = Priors.MODEL_TYPES.contains(modelType);
            if (!prior && (options.string("codes") != null || options.flag("unconditional")))
                throw new UsageException("--" + (options.string("codes") != null ? "codes" : "unconditional") + " applies to --model gpt or maskgit only");
            if (prior && options.string("codes") == null) throw new UsageException("--model " + modelType + " needs --codes FILE (make one with vq4j tokenize)");
            Map<String, Object> m = new LinkedHashMap<>(), l = new LinkedHashMap<>(), t = new LinkedHashMap<>();
            if (modelType.equals("vqgan")) VqganDefaults.putInto(m, l, t);
            if (options.string("config") != null) {
                try {
                    ConfigFiles.read(Path.of(options.string("config")), modelType, m, l, t);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
            }
            for (Setting s : SETTINGS) {
                String v = options.string(s.flag());
                if (v != null) (switch (s.section()) {
                    case "model" -> m;
                    case "loss" -> l;
                    default -> t;
                }).put(s.keyFor(modelType), parse(s, v));
            }
            if (modelType.equals("vqgan")) {
                VqganDefaults.putQuantizerIfUnset(m);
                VqganDefaults.putCodebookIfUnset(m);
            }
            try {
                if (prior) {
                    PriorDefaults.putInto(t);
                    t.put("data", "codes:" + Path.of(options.string("codes")).toAbsolutePath());
                }
                train = TrainConfig.fromMap(t);
                sections = prior ? PriorDefaults.sections(modelType, m, Path.of(options.string("codes")), !options.flag("unconditional"))
                        : modelSections(modelType, m, l, train);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            runDir = options.string("out") != null ? Path.of(options.string("out"))
                    : Path.of("runs", "train-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            if (Files.isDirectory(runDir.resolve(Checkpoints.DIR)))
                throw new UsageException(runDir + " already holds checkpoints: continue it with --resume " + runDir + " or choose another --out");
        }
        TrainingTask task;
        try {
            task = TrainingTasks.create(modelType, sections, train, out::println);
            if (options.string("lpips-weights") != null && task instanceof VqganTask v)
                v.withLpips(VqganCheckpoint.readTensors(Path.of(options.string("lpips-weights"))));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new UsageException("cannot read --lpips-weights " + options.string("lpips-weights") + ": " + e.getMessage());
        }
        RunLock lock;
        try {
            lock = RunLock.acquire(runDir); // one writer per run directory, before anything is written
        } catch (IllegalStateException e) {
            throw new UsageException(e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new UsageException("cannot write to --out " + runDir + ": " + e.getMessage());
        }
        try (lock) {
            return train(modelType, sections, train, task, runDir, resume, out);
        }
    }

    /**
     * Resuming an older checkpoint into a run directory that holds newer ones would interleave two
     * histories (the newer checkpoints would be picked up by a later --resume of the run, and the log
     * would repeat steps): refused, with the two ways out. Branching into another --out is allowed.
     */
    private static void refuseOlderThanTheRun(Path resume, Path runDir) {
        List<Path> all;
        try {
            all = Checkpoints.list(runDir);
        } catch (java.io.IOException e) {
            throw new UsageException("cannot list the checkpoints of " + runDir + ": " + e.getMessage());
        }
        Path from = resume.toAbsolutePath().normalize();
        List<String> newer = all.stream().filter(p -> p.getFileName().toString().compareTo(from.getFileName().toString()) > 0)
                .map(p -> p.getFileName().toString()).toList();
        if (!newer.isEmpty() && all.stream().anyMatch(p -> p.toAbsolutePath().normalize().equals(from)))
            throw new UsageException(runDir + " holds checkpoints newer than " + from.getFileName() + " (" + String.join(", ", newer)
                    + "): continue from the newest with --resume " + runDir + ", or branch from this one into a new run directory with --out DIR");
    }

    private static int train(String modelType, Map<String, Object> sections, TrainConfig train, TrainingTask task, Path runDir, Path resume, PrintStream out) {
        try {
            Files.createDirectories(runDir);
            Files.writeString(runDir.resolve(Checkpoints.CONFIG), Checkpoints.configJson(modelType, sections, train));
        } catch (IOException e) {
            throw new UsageException("cannot write to --out " + runDir + ": " + e.getMessage());
        }
        TrainingData trainData, heldOut;
        if (Priors.MODEL_TYPES.contains(modelType)) {
            CodeDataset[] split = PriorDefaults.split(sections, train);
            trainData = split[0];
            heldOut = split[1];
        } else {
            trainData = TrainingRun.trainData(train);
            heldOut = TrainingRun.heldOutData(train);
        }
        TrainingRun.Outcome o = TrainingRun.run(task, train, trainData, heldOut, runDir, resume, out);
        out.printf(Locale.ROOT, "trained %d steps in %.1f s; log %s%n", o.result().finalStep(), o.seconds(), runDir.resolve("train_log.jsonl"));
        EvalReport e = o.result().lastEval();
        if (e != null) out.println("held-out  " + e.summary());
        if (o.result().lastCheckpoint() != null) out.println("checkpoint " + o.result().lastCheckpoint() + (Priors.MODEL_TYPES.contains(modelType)
                ? "   (vq4j sample --prior " + runDir + ")" : "   (vq4j eval --checkpoint " + runDir + ")"));
        return 0;
    }

    /**
     * The model's config sections, completed from the data (image channels; for VQGAN also the
     * resolution and the discriminator's input channels) and validated before any data is read
     * beyond its header.
     */
    private static Map<String, Object> modelSections(String modelType, Map<String, Object> m, Map<String, Object> l, TrainConfig train) {
        Map<String, Object> sections = new LinkedHashMap<>();
        if (modelType.equals("vqvae")) {
            VqVaeConfig.fromMap(m); // config errors come before the data is opened
            if (!m.containsKey("image_channels")) m.put("image_channels", (long) TrainingRun.trainData(train).channels()); // 1 for MNIST, 3 otherwise
            sections.put("model", VqVaeConfig.fromMap(m).toMap());
            return sections;
        }
        ImageDataset d = TrainingRun.trainData(train);
        m.putIfAbsent("resolution", (long) d.height());
        m.putIfAbsent("in_channels", (long) d.channels());
        m.putIfAbsent("out_ch", (long) d.channels());
        l.putIfAbsent("disc_in_channels", m.get("out_ch"));
        VqganSpec spec = VqganSpec.fromMaps(m, l);
        sections.put("model", spec.modelMap());
        sections.put("loss", spec.lossMap());
        return sections;
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
}
