package dev.vq4j.models.train;

import dev.vq4j.core.io.Json;
import dev.vq4j.models.vqvae.JsonWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The run's JSONL log ({@code train_log.jsonl}): one JSON object per logged step or evaluation,
 * each with a "step" key, appended and flushed as it happens.
 */
public final class TrainLog {
    public static final String FILE = "train_log.jsonl";

    private final Path file;

    public TrainLog(Path runDir) {
        this.file = runDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    public void append(Map<String, Object> record) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JsonWriter.compact(record) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * On resume from step s: drops lines of steps after s (written by the interrupted run after its
     * last checkpoint), so the log reads as one run.
     */
    public void truncateAfter(int step) {
        if (!Files.exists(file)) return;
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                Object parsed;
                try {
                    parsed = Json.parse(line);
                } catch (IllegalArgumentException e) {
                    continue; // a torn last line from a crash
                }
                if (parsed instanceof Map<?, ?> m && m.get("step") instanceof Long s && s > step) continue;
                kept.add(line);
            }
            Files.write(file, kept, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite the training log " + file + ": " + e.getMessage(), e);
        }
    }
}
