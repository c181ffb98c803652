package dev.vq4j.models.train;

import dev.vq4j.core.io.Json;
import dev.vq4j.models.ImageTokenizer;
import dev.vq4j.models.prior.PriorTask;
import dev.vq4j.models.prior.Priors;
import dev.vq4j.models.vqgan.VqganModel;
import dev.vq4j.models.vqgan.VqganSpec;
import dev.vq4j.models.vqgan.VqganTask;
import dev.vq4j.models.vqvae.JsonWriter;
import dev.vq4j.models.vqvae.VqVae;
import dev.vq4j.models.vqvae.VqVaeConfig;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The one place that turns a {@code model_type} and its config sections into a {@link TrainingTask}; add new models here. */
public final class TrainingTasks {
    /** The model types {@code vq4j train --model} accepts. */
    public static final List<String> MODEL_TYPES = List.of(VqVae.MODEL_TYPE, VqganModel.MODEL_TYPE, Priors.GPT, Priors.MASKGIT);

    /** The model types that train on images (the others train on code grids). */
    public static final List<String> TOKENIZER_TYPES = List.of(VqVae.MODEL_TYPE, VqganModel.MODEL_TYPE);

    private TrainingTasks() {}

    /**
     * A new task with initial weights drawn from the train config's seed.
     *
     * @param sections the {@code model} section, and {@code loss} for VQGAN, {@code data} for a prior (as in config.json)
     * @param messages one-line notices during training (e.g. "discriminator switched on")
     */
    public static TrainingTask create(String modelType, Map<String, Object> given, TrainConfig train, Consumer<String> messages) {
        @SuppressWarnings("unchecked") // sections as config.json will hold them (integers as Long), whoever built them
        Map<String, Object> sections = (Map<String, Object>) Json.parse(JsonWriter.pretty(given));
        return switch (modelType) {
            case VqVae.MODEL_TYPE -> VqVaeTask.create(VqVaeConfig.fromMap(sections.get("model")), train);
            case VqganModel.MODEL_TYPE -> new VqganTask(VqganSpec.fromMaps(sections.get("model"), sections.get("loss")), train, messages);
            case Priors.GPT, Priors.MASKGIT -> priorTask(modelType, sections, train, messages);
            default -> throw new IllegalArgumentException("unknown model type \"" + modelType + "\" (one of " + MODEL_TYPES + ")");
        };
    }

    /** A prior's task; its sample grids decode through the tokenizer its codes came from, when that is still there. */
    @SuppressWarnings("unchecked")
    private static PriorTask priorTask(String modelType, Map<String, Object> sections, TrainConfig train, Consumer<String> messages) {
        Map<String, Object> data = (Map<String, Object>) sections.getOrDefault("data", Map.of());
        ImageTokenizer tokenizer = null;
        if (data.get("tokenizer") instanceof String t) {
            if (java.nio.file.Files.exists(java.nio.file.Path.of(t))) tokenizer = ImageTokenizer.load(java.nio.file.Path.of(t));
            else messages.accept("the tokenizer " + t + " that made the codes is gone: no sample grids during training");
        }
        List<String> classes = null;
        if (data.get("classes") instanceof List<?> l) classes = l.stream().map(String::valueOf).toList();
        return new PriorTask(Priors.create(modelType, (Map<String, Object>) sections.get("model"), train.seed()), sections, train, tokenizer, classes);
    }
}
