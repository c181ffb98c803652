package dev.vq4j.models.train;

import dev.vq4j.core.io.Json;
import dev.vq4j.models.vqgan.VqganCheckpoint;
import dev.vq4j.models.vqgan.VqganModel;
import dev.vq4j.models.vqgan.VqganSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a training config file into the model, loss and train sections: a JSON file in
 * config.json's layout ({@code {"model_type": ..., "model": {...}, "loss": {...}, "train": {...}}},
 * every part optional), or for VQGAN taming's {@code model.yaml} (architecture, taming's quantiser
 * and loss). Keys read here replace the defaults already in the sections.
 */
public final class ConfigFiles {
    private ConfigFiles() {}

    public static void read(Path file, String modelType, Map<String, Object> model, Map<String, Object> loss, Map<String, Object> train) {
        String name = file.getFileName().toString();
        try {
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                if (!modelType.equals(VqganModel.MODEL_TYPE)) throw new IllegalArgumentException("--config " + file + ": a taming model.yaml describes a vqgan, not a " + modelType);
                VqganSpec spec = VqganSpec.taming(VqganCheckpoint.readConfig(file));
                model.putAll(spec.modelMap());
                loss.putAll(spec.lossMap());
                return;
            }
            readJson(file, modelType, model, loss, train);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--config " + file + " does not exist");
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read --config " + file + ": " + e.getMessage());
        }
    }

    private static void readJson(Path file, String modelType, Map<String, Object> model, Map<String, Object> loss, Map<String, Object> train) throws IOException {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--config " + file + " is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> root)) throw new IllegalArgumentException("--config " + file + " must hold a JSON object {\"model\": {...}, \"train\": {...}}");
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.equals(Checkpoints.MODEL_TYPE)) {
                if (!modelType.equals(e.getValue())) throw new IllegalArgumentException("--config " + file + " is for a " + e.getValue() + ", this run trains a " + modelType);
                continue;
            }
            Map<String, Object> target = switch (key) {
                case "model" -> model;
                case "loss" -> loss;
                case "train" -> train;
                default -> throw new IllegalArgumentException("--config " + file + ": unknown section \"" + key + "\" (expected \"model\", \"loss\" and \"train\")");
            };
            if (key.equals("loss") && !modelType.equals(VqganModel.MODEL_TYPE)) throw new IllegalArgumentException("--config " + file + ": a " + modelType + " has no \"loss\" section");
            if (!(e.getValue() instanceof Map<?, ?> section)) throw new IllegalArgumentException("--config " + file + ": \"" + key + "\" must be an object");
            for (Map.Entry<?, ?> kv : section.entrySet()) target.put(String.valueOf(kv.getKey()), kv.getValue());
        }
    }
}
