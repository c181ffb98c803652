package dev.vq4j.models.train;

import dev.vq4j.autograd.nn.StateDicts;
import dev.vq4j.autograd.optim.Optimizer;
import dev.vq4j.core.io.Json;
import dev.vq4j.models.vqvae.ConfigReader;
import dev.vq4j.models.vqvae.JsonWriter;
import dev.vq4j.models.vqvae.VqVae;
import dev.vq4j.models.vqvae.VqVaeConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checkpoint directories: {@code <run>/checkpoints/step-00000420/} holding
 * <ul>
 *   <li>{@code model.safetensors}: the model's state dict (for VQGAN taming's names, with {@code loss.*})</li>
 *   <li>{@code optimizer.safetensors}: the (main) optimiser's state dict (moments and step counts), and
 *       {@code optimizer_N.safetensors} for each further one (VQGAN: {@code optimizer_disc})</li>
 *   <li>{@code config.json}: {@code {"model_type": "vqvae" | "vqgan" | "gpt" | "maskgit", "model": {...}, ["loss": {...},] ["data": {...},] "train": TrainConfig}}
 *       (a prior's {@code data}: the codes file, the tokenizer that made them, the class names)
 *       ({@code model_type} absent: vqvae, as written before it existed)</li>
 *   <li>{@code trainer_state.json}: {@link TrainerState}</li>
 *   <li>files the task adds (VQGAN with taming's quantiser: taming's {@code model.yaml})</li>
 * </ul>
 * The same format for every model trained here; {@link dev.vq4j.models.TokenizerLoader} reads it.
 * A checkpoint is written into a hidden temporary directory beside the final one, every file
 * fsynced, then renamed into place in one atomic step, so a crash leaves either the whole
 * checkpoint or none. Older ones beyond the newest N are deleted after the rename.
 */
public final class Checkpoints {
    public static final String DIR = "checkpoints";
    public static final String MODEL = "model.safetensors", OPTIMIZER = "optimizer.safetensors", CONFIG = "config.json",
            STATE = "trainer_state.json";
    private static final String PREFIX = "step-";

    private Checkpoints() {}

    public static final String MODEL_TYPE = "model_type";

    /**
     * A checkpoint's configs and state.
     *
     * @param modelType the {@code model_type} ("vqvae" when absent)
     * @param sections  the config sections that rebuild the model: {@code model}, and {@code loss} where there is one
     * @param train     null when the checkpoint was not written by training
     * @param state     null when there is no trainer_state.json
     */
    public record Info(Path directory, String modelType, Map<String, Object> sections, TrainConfig train, TrainerState state) {
        /** The VQ-VAE config of a vqvae checkpoint. */
        public VqVaeConfig vqvaeConfig() {
            if (!modelType.equals(VqVae.MODEL_TYPE)) throw new IllegalArgumentException("checkpoint " + directory + " holds a " + modelType + ", not a vqvae");
            return VqVaeConfig.fromMap(sections.get("model"));
        }
    }

    /** The file an optimiser of a given name is saved in. */
    public static String optimizerFile(String name) {
        return name.isEmpty() ? OPTIMIZER : "optimizer_" + name + ".safetensors";
    }

    public static Path directoryFor(Path runDir, int step) {
        return runDir.resolve(DIR).resolve(String.format("%s%08d", PREFIX, step));
    }

    /** Writes the checkpoint of {@code state.step()} atomically and keeps the newest {@code keep}; returns its directory. */
    public static Path write(Path runDir, TrainingTask task, TrainConfig train, TrainerState state, int keep) throws IOException {
        Path target = directoryFor(runDir, state.step());
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".tmp-" + target.getFileName() + "-");
        try {
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")); // temp dirs start private
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            List<String> files = new ArrayList<>(List.of(MODEL, CONFIG, STATE));
            StateDicts.save(tmp.resolve(MODEL), task.model().stateDict(), Map.of("format", "pt", MODEL_TYPE, task.modelType()));
            for (Map.Entry<String, Optimizer> o : task.optimizers().entrySet()) {
                StateDicts.save(tmp.resolve(optimizerFile(o.getKey())), o.getValue().stateDict());
                files.add(optimizerFile(o.getKey()));
            }
            Files.writeString(tmp.resolve(CONFIG), configJson(task.modelType(), task.configSections(), train), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(STATE), state.toJson(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> e : task.extraFiles().entrySet()) {
                Files.writeString(tmp.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
                files.add(e.getKey());
            }
            for (String f : files) fsync(tmp.resolve(f), false);
            fsync(tmp, true);
            if (Files.exists(target)) deleteTree(target); // the same step saved again (e.g. Ctrl-C right after a periodic checkpoint)
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            fsync(parent, true);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
        prune(runDir, keep);
        return target;
    }

    /** config.json's text: model_type, the model's sections, the train config. */
    public static String configJson(String modelType, Map<String, Object> sections, TrainConfig train) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(MODEL_TYPE, modelType);
        config.putAll(sections);
        if (train != null) config.put("train", train.toMap());
        return JsonWriter.pretty(config);
    }

    /** Checkpoint directories of a run, oldest first. */
    public static List<Path> list(Path runDir) throws IOException {
        Path dir = runDir.resolve(DIR);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
    }

    private static void prune(Path runDir, int keep) throws IOException {
        List<Path> all = list(runDir);
        for (int i = 0; i < all.size() - keep; i++) deleteTree(all.get(i));
    }

    /**
     * A checkpoint directory itself, or a run directory (its newest checkpoint). Fails with a message
     * naming the path when there is none.
     */
    public static Path resolve(Path path) {
        if (!Files.exists(path)) throw new IllegalArgumentException("checkpoint " + path + " does not exist");
        if (Files.isRegularFile(path.resolve(STATE)) || Files.isRegularFile(path.resolve(MODEL))) return path;
        try {
            List<Path> all = list(path);
            if (!all.isEmpty()) return all.getLast();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + path + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(path + " is not a checkpoint (no " + MODEL + ") and holds no " + DIR + "/step-* directories");
    }

    /** The run directory that holds a checkpoint directory. */
    public static Path runDirOf(Path checkpointDir) {
        Path parent = checkpointDir.toAbsolutePath().getParent();
        if (parent == null || !parent.getFileName().toString().equals(DIR) || parent.getParent() == null)
            throw new IllegalArgumentException(checkpointDir + " is not inside a run's " + DIR + "/ directory");
        return parent.getParent();
    }

    public static Info info(Path checkpointDir) {
        Path dir = resolve(checkpointDir);
        try {
            return readInfo(dir, Files.readString(dir.resolve(CONFIG)));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint " + dir + " is missing " + Path.of(e.getFile()).getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + dir + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Parses a config.json (its directory only names it in messages). */
    public static Info readInfo(Path dir, String configJson) throws IOException {
        ConfigReader r = new ConfigReader(dir.resolve(CONFIG).toString(), Json.parse(configJson), Set.of(MODEL_TYPE, "model", "loss", "data", "train"));
        String type = r.string(MODEL_TYPE, VqVae.MODEL_TYPE);
        if (!r.has("model")) throw new IllegalArgumentException("config.json has no \"model\" section");
        Map<String, Object> sections = new LinkedHashMap<>();
        sections.put("model", r.raw("model"));
        if (r.has("loss")) sections.put("loss", r.raw("loss"));
        if (r.has("data")) sections.put("data", r.raw("data"));
        TrainConfig train = r.has("train") ? TrainConfig.fromMap(r.raw("train")) : null;
        TrainerState state = Files.exists(dir.resolve(STATE)) ? TrainerState.fromJson(Files.readString(dir.resolve(STATE))) : null;
        return new Info(dir, type, sections, train, state);
    }

    /** Loads a checkpoint's model.safetensors into a module (strictly: every key, every shape). */
    public static void loadWeights(dev.vq4j.autograd.nn.Module model, Path checkpointDir) {
        Path file = checkpointDir.resolve(MODEL);
        try {
            model.loadStateDict(StateDicts.load(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint " + checkpointDir + " is missing " + MODEL);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Loads every optimiser of a task from its file. */
    public static void loadOptimizers(TrainingTask task, Path checkpointDir) {
        for (Map.Entry<String, Optimizer> o : task.optimizers().entrySet()) loadOptimizer(o.getValue(), checkpointDir, optimizerFile(o.getKey()));
    }

    private static void loadOptimizer(Optimizer optimizer, Path checkpointDir, String name) {
        Path file = checkpointDir.resolve(name);
        try {
            optimizer.loadStateDict(StateDicts.load(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint " + checkpointDir + " is missing " + name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void fsync(Path path, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!directory) throw e; // some file systems cannot sync a directory; the files themselves are synced
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(paths::add);
        }
        for (int i = paths.size() - 1; i >= 0; i--) Files.deleteIfExists(paths.get(i));
    }
}
