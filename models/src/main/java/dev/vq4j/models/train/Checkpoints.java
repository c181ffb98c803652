package dev.vq4j.models.train;

import dev.vq4j.autograd.nn.Init;
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
 *   <li>{@code model.safetensors}: the model's state dict</li>
 *   <li>{@code optimizer.safetensors}: the optimiser's state dict (moments and step counts)</li>
 *   <li>{@code config.json}: {@code {"model": VqVaeConfig, "train": TrainConfig}}</li>
 *   <li>{@code trainer_state.json}: {@link TrainerState}</li>
 * </ul>
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

    /** A loaded checkpoint's configs and state (weights are loaded into a model with {@link #loadModel}). */
    public record Info(Path directory, VqVaeConfig model, TrainConfig train, TrainerState state) {}

    public static Path directoryFor(Path runDir, int step) {
        return runDir.resolve(DIR).resolve(String.format("%s%08d", PREFIX, step));
    }

    /** Writes the checkpoint of {@code state.step()} atomically and keeps the newest {@code keep}; returns its directory. */
    public static Path write(Path runDir, VqVae model, TrainConfig train, Optimizer optimizer, TrainerState state, int keep) throws IOException {
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
            StateDicts.save(tmp.resolve(MODEL), model.stateDict(), Map.of("format", "pt"));
            StateDicts.save(tmp.resolve(OPTIMIZER), optimizer.stateDict());
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("model", model.config().toMap());
            config.put("train", train.toMap());
            Files.writeString(tmp.resolve(CONFIG), JsonWriter.pretty(config), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(STATE), state.toJson(), StandardCharsets.UTF_8);
            for (String f : List.of(MODEL, OPTIMIZER, CONFIG, STATE)) fsync(tmp.resolve(f), false);
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
            ConfigReader r = new ConfigReader(dir.resolve(CONFIG).toString(), Json.parse(Files.readString(dir.resolve(CONFIG))), Set.of("model", "train"));
            VqVaeConfig model = VqVaeConfig.fromMap(r.raw("model"));
            TrainConfig train = r.has("train") ? TrainConfig.fromMap(r.raw("train")) : null;
            TrainerState state = Files.exists(dir.resolve(STATE)) ? TrainerState.fromJson(Files.readString(dir.resolve(STATE))) : null;
            return new Info(dir, model, train, state);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint " + dir + " is missing " + Path.of(e.getFile()).getFileName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + dir + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Builds the model its config.json describes and loads its weights (strictly). */
    public static VqVae loadModel(Path checkpointDir) {
        Info info = info(checkpointDir);
        Init.manualSeed(0); // initial values are overwritten; fixed so that building the model is reproducible
        VqVae model = new VqVae(info.model());
        loadWeights(model, info.directory());
        return model;
    }

    public static void loadWeights(VqVae model, Path checkpointDir) {
        Path file = checkpointDir.resolve(MODEL);
        try {
            model.loadStateDict(StateDicts.load(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint " + checkpointDir + " is missing " + MODEL);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static void loadOptimizer(Optimizer optimizer, Path checkpointDir) {
        Path file = checkpointDir.resolve(OPTIMIZER);
        try {
            optimizer.loadStateDict(StateDicts.load(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("checkpoint " + checkpointDir + " is missing " + OPTIMIZER);
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
