package dev.vq4j.cli;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.models.data.ImageDataset;
import dev.vq4j.models.viz.Plots;
import dev.vq4j.models.vqgan.VqganCheckpoint;
import dev.vq4j.models.vqgan.VqganConfig;
import dev.vq4j.models.vqgan.VqganLoss;
import dev.vq4j.models.vqgan.VqganModel;
import dev.vq4j.models.vqgan.VqganTrainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code vq4j train --model vqgan}: trains taming's VQGAN (autoencoder + PatchGAN discriminator,
 * L1 + optional LPIPS). Main routes {@code train} here when {@code --model vqgan} is given; the
 * VQ-VAE path ({@link TrainCommand}) is unchanged. The run directory holds {@code checkpoints/step-N/}
 * (see {@link VqganTrainer}), {@code samples/step-N.png} grids and a {@code latest} checkpoint.
 */
final class VqganTrainCommand implements Command {
    /** Whether a command line is {@code train ... --model vqgan ...}. */
    static boolean wants(String[] args) {
        if (args.length == 0 || !args[0].equals("train")) return false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--model=vqgan")) return true;
            if (args[i].equals("--model") && i + 1 < args.length && args[i + 1].equals("vqgan")) return true;
        }
        return false;
    }

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a VQGAN (taming-transformers) with --model vqgan";
    }

    @Override
    public List<Options.Spec> options() {
        return List.of(
                Options.Spec.value("model", "vqgan", "vqgan (other models: vq4j train without --model vqgan)"),
                Options.Spec.value("config", null, "taming model.yaml for the architecture and loss (default: the flags below)"),
                Options.Spec.value("resume", null, "checkpoint directory to continue from (its model.yaml is used)"),
                Options.Spec.value("out", "runs/vqgan", "run directory"),
                Options.Spec.value("data", "builtin", "images: builtin | folder:PATH | mnist:PATH | cifar10:PATH"),
                Options.Spec.flag("skip-bad-files", "image folders: leave undecodable files out with a warning (default: the first one is an error)"),
                Options.Spec.value("count", "256", "built-in images to generate"),
                Options.Spec.value("image-size", "32", "image side in pixels"),
                Options.Spec.value("steps", "200", "training steps (total, counting resumed ones)"),
                Options.Spec.value("batch", "8", "batch size"),
                Options.Spec.value("lr", "4.5e-6", "learning rate per image (taming: base_learning_rate x batch)"),
                Options.Spec.value("seed", "0", "seed of the weights and the batch order"),
                Options.Spec.value("ch", "64", "base channels (multiple of 32)"),
                Options.Spec.value("ch-mult", "1,2,2", "channel multipliers per level"),
                Options.Spec.value("res-blocks", "1", "res blocks per level"),
                Options.Spec.value("attn", "", "resolutions with attention, e.g. 8"),
                Options.Spec.value("z", "64", "z_channels = embed_dim"),
                Options.Spec.value("codebook-size", "1024", "n_embed"),
                Options.Spec.value("disc-start", "100", "step at which the discriminator switches on"),
                Options.Spec.value("disc-weight", "0.8", "disc_weight"),
                Options.Spec.value("disc-ndf", "64", "discriminator base channels"),
                Options.Spec.value("disc-layers", "3", "discriminator layers"),
                Options.Spec.value("codebook-weight", "1.0", "codebook_weight"),
                Options.Spec.value("perceptual-weight", "1.0", "LPIPS weight (0 without --lpips-weights)"),
                Options.Spec.value("lpips-weights", null, "LPIPS weights: .safetensors/.ckpt/.pt with perceptual_loss.* or loss.perceptual_loss.* keys"),
                Options.Spec.value("checkpoint-every", "100", "steps between checkpoints (and at the end)"),
                Options.Spec.value("sample-every", "100", "steps between PNG grids (and at the end)"));
    }

    @Override
    public int run(Options options, PrintStream out) {
        if (!options.positional().isEmpty()) throw new UsageException("takes no arguments, got " + options.positional());
        if (!"vqgan".equals(options.string("model"))) throw new UsageException("--model must be vqgan here");
        Path run = Path.of(options.string("out"));
        int size = options.integer("image-size"), steps = options.integer("steps"), batch = options.integer("batch");
        long seed = options.integer("seed");
        if (steps < 1) throw new UsageException("--steps must be >= 1, got " + steps);
        ImageDataset data = DataSources.open(options.string("data"), size, options.integer("count"), seed, true, options.flag("skip-bad-files"));
        VqganTrainer.Settings settings = new VqganTrainer.Settings(Double.parseDouble(options.string("lr")) * batch, batch, seed);
        VqganTrainer trainer;
        try {
            if (options.string("resume") != null) {
                trainer = VqganTrainer.resume(Path.of(options.string("resume")), data, settings, out::println);
                out.printf("resumed from %s at step %d%n", options.string("resume"), trainer.stepCount());
            } else {
                Init.manualSeed(seed);
                VqganCheckpoint.Config c = options.string("config") != null ? VqganCheckpoint.readConfig(Path.of(options.string("config"))) : fromFlags(options, size);
                VqganLoss loss = new VqganLoss(c.loss());
                if (options.string("lpips-weights") != null)
                    loss.perceptualLoss().loadWeights(VqganCheckpoint.readTensors(Path.of(options.string("lpips-weights"))));
                trainer = new VqganTrainer(new VqganModel(c.model()), loss, data, settings, out::println);
            }
        } catch (IOException e) {
            throw new UsageException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        VqganConfig mc = trainer.model().config();
        out.printf("VQGAN %s on %s; disc_start %d; %d steps%n", mc, data.describe(), trainer.loss().options().discStart(), steps);
        int every = options.integer("checkpoint-every"), sampleEvery = options.integer("sample-every");
        Tensor sampleImages = data.batch(Loaded.range(0, Math.min(8, data.size())));
        long first = trainer.stepCount();
        if (first >= steps) throw new UsageException("the checkpoint is at step " + first + ", --steps " + steps + " leaves nothing to do");
        ProgressBar bar = ProgressBar.forStdout(out, (int) (steps - first));
        try {
            while (trainer.stepCount() < steps) {
                VqganTrainer.StepResult r = trainer.step();
                long done = trainer.stepCount();
                bar.update((int) (done - first), String.format(Locale.ROOT, "ae %.4f  l1 %.4f  q %.4f  d %.4f", r.aeLoss(), r.recL1(), r.codebookLoss(), r.discLoss()));
                boolean last = done == steps;
                if (last || (sampleEvery > 0 && done % sampleEvery == 0)) {
                    Path png = run.resolve("samples").resolve(String.format("step-%06d.png", done));
                    Files.createDirectories(png.getParent());
                    Tensor[] s = trainer.samples(sampleImages);
                    Plots.imageGrid(png, List.of(s[0], s[1]), List.of("original", "reconstruction"));
                }
                if (last || (every > 0 && done % every == 0)) {
                    Path dir = run.resolve("checkpoints").resolve(String.format("step-%06d", done));
                    trainer.save(dir);
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot write to " + run + ": " + e.getMessage());
        }
        out.printf("done: %d steps; checkpoints in %s/checkpoints, grids in %s/samples%n", steps, run, run);
        out.printf("reconstruct with: vq4j reconstruct --config %s --checkpoint %s IN.png OUT.png%n",
                run.resolve(String.format("checkpoints/step-%06d/model.yaml", steps)), run.resolve(String.format("checkpoints/step-%06d/model.safetensors", steps)));
        return 0;
    }

    private static VqganCheckpoint.Config fromFlags(Options o, int size) {
        int z = o.integer("z");
        VqganConfig model = new VqganConfig(o.integer("ch"), ints(o.string("ch-mult")), o.integer("res-blocks"), ints(o.string("attn")), z, z,
                o.integer("codebook-size"), size, 3, 3, 0f, false);
        VqganLoss.Options loss = new VqganLoss.Options(o.integer("disc-start"), Float.parseFloat(o.string("codebook-weight")), o.integer("disc-layers"),
                3, o.integer("disc-ndf"), 1f, Float.parseFloat(o.string("disc-weight")), Float.parseFloat(o.string("perceptual-weight")), false,
                VqganLoss.DiscLoss.HINGE);
        return new VqganCheckpoint.Config(model, loss);
    }

    private static int[] ints(String s) {
        if (s.isBlank()) return new int[0];
        try {
            return java.util.Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new UsageException("expected comma-separated integers, got '" + s + "'");
        }
    }
}
