package dev.vq4j.models;

import dev.vq4j.autograd.nn.Init;
import dev.vq4j.models.train.Checkpoints;
import dev.vq4j.models.vqgan.VqganCheckpoint;
import dev.vq4j.models.vqgan.VqganModel;
import dev.vq4j.models.vqgan.VqganSpec;
import dev.vq4j.models.vqvae.VqVae;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one loader of tokenizers, whatever wrote them:
 * <ul>
 *   <li>a run directory of {@code vq4j train} (its newest checkpoint) or one of its checkpoint
 *       directories: {@code config.json} names the {@code model_type}, {@code model.safetensors} holds the weights;</li>
 *   <li>a directory with taming's {@code model.yaml} and a weights file ({@code model.safetensors},
 *       {@code model.ckpt}, {@code last.ckpt} or a single {@code .ckpt}/{@code .pt});</li>
 *   <li>a weights file with its {@code config.json} or {@code model.yaml} beside it;</li>
 *   <li>an explicit config + weights pair ({@link #load(Path, Path)}): taming's {@code model.yaml}
 *       with a {@code .ckpt}/{@code .pt}/{@code .safetensors}, or a vq4j {@code config.json} with a {@code .safetensors}.</li>
 * </ul>
 * Weights load strictly (every key, every shape; a multi-line report otherwise). A trained VQGAN's
 * {@code loss.*} entries (discriminator, LPIPS) are not part of the tokenizer and are skipped. The
 * result is in eval mode.
 */
public final class TokenizerLoader {
    private static final String TAMING_YAML = "model.yaml";

    private TokenizerLoader() {}

    public static ImageTokenizer load(Path path) {
        if (!Files.exists(path)) throw new IllegalArgumentException("tokenizer " + path + " does not exist");
        if (Files.isRegularFile(path)) return loadFile(path);
        if (Files.isRegularFile(path.resolve(TAMING_YAML)) && !Files.isRegularFile(path.resolve(Checkpoints.CONFIG)))
            return load(path.resolve(TAMING_YAML), tamingWeights(path));
        Path dir = Checkpoints.resolve(path);
        return fromCheckpoint(dir);
    }

    public static ImageTokenizer load(Path config, Path weights) {
        if (!Files.isRegularFile(config)) throw new IllegalArgumentException("config " + config + " does not exist");
        if (!Files.isRegularFile(weights)) throw new IllegalArgumentException("weights " + weights + " do not exist");
        String name = config.getFileName().toString();
        try {
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                VqganModel m = VqganCheckpoint.load(config, weights).model();
                m.eval();
                return m;
            }
            if (name.endsWith(".json")) return build(Checkpoints.readInfo(config.getParent() == null ? Path.of(".") : config.getParent(),
                    Files.readString(config)), weights);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + e.getFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + weights + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("config " + config + ": expected taming's model.yaml (.yaml) or a vq4j config.json (.json)");
    }

    private static ImageTokenizer loadFile(Path weights) {
        Path dir = weights.toAbsolutePath().getParent();
        if (Files.isRegularFile(dir.resolve(Checkpoints.CONFIG))) return load(dir.resolve(Checkpoints.CONFIG), weights);
        if (Files.isRegularFile(dir.resolve(TAMING_YAML))) return load(dir.resolve(TAMING_YAML), weights);
        throw new IllegalArgumentException(weights + ": no config.json or model.yaml beside it; give the config too (--config FILE, or ImageTokenizer.load(config, weights))");
    }

    /** A taming directory's weights file. */
    private static Path tamingWeights(Path dir) {
        for (String n : new String[] {"model.safetensors", "model.ckpt", "last.ckpt"})
            if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
        try (var files = Files.list(dir)) {
            var found = files.filter(p -> p.toString().endsWith(".ckpt") || p.toString().endsWith(".pt")).sorted().toList();
            if (found.size() == 1) return found.getFirst();
            throw new IllegalArgumentException(dir + " has taming's model.yaml but " + (found.isEmpty() ? "no" : found.size()) + " .ckpt/.pt files; name the weights file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ImageTokenizer fromCheckpoint(Path dir) {
        return build(Checkpoints.info(dir), dir.resolve(Checkpoints.MODEL));
    }

    /** Builds the model a config.json describes and loads its weights. */
    private static ImageTokenizer build(Checkpoints.Info info, Path weights) {
        Init.manualSeed(0); // initial values are overwritten; fixed so that building is reproducible
        TokenizerModule model = switch (info.modelType()) {
            case VqVae.MODEL_TYPE -> new VqVae(info.vqvaeConfig());
            case VqganModel.MODEL_TYPE -> VqganSpec.fromMaps(info.sections().get("model"), info.sections().get("loss")).build();
            case "gpt", "maskgit" -> throw new IllegalArgumentException(info.directory() + " holds a " + info.modelType()
                    + " prior over codes, not a tokenizer (sample from it with vq4j sample --prior; its tokenizer is the one it was trained on)");
            default -> throw new IllegalArgumentException(info.directory() + ": unknown model_type \"" + info.modelType() + "\" (vqvae or vqgan)");
        };
        try {
            var state = VqganCheckpoint.readTensors(weights);
            if (model instanceof VqganModel) state = new java.util.LinkedHashMap<>(VqganCheckpoint.split(state).get("model"));
            VqganCheckpoint.loadStrict(weights, info.modelType() + " weights " + weights, model, state);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint " + info.directory() + " is missing " + Path.of(e.getFile()).getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + weights + ": " + e.getMessage(), e);
        }
        model.eval();
        return model;
    }
}
