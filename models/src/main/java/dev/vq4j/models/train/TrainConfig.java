package dev.vq4j.models.train;

import dev.vq4j.core.io.Json;
import dev.vq4j.models.vqvae.ConfigReader;
import dev.vq4j.models.vqvae.JsonWriter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How to train, written beside the model config in every checkpoint.
 *
 * @param data            where the images come from ("builtin", "folder:PATH", "mnist:PATH", "cifar10:PATH"); read by the caller
 * @param imageSize       image side in pixels (built-in data; crops/resizes for folders)
 * @param trainImages     training images (built-in data: how many to generate)
 * @param evalImages      held-out images for evaluation (0: no evaluation)
 * @param steps           total optimisation steps
 * @param batchSize       images per step, drawn uniformly with replacement from a seeded generator
 * @param optimizer       "adam" or "adamw"
 * @param lr              peak learning rate
 * @param minLr           final learning rate of the cosine decay
 * @param warmupSteps     linear warm-up steps
 * @param weightDecay     weight decay (L2 for adam, decoupled for adamw)
 * @param clipNorm        gradient clipping by global 2-norm; 0 turns it off
 * @param seed            seed of initialisation and data order
 * @param logEvery        steps between log lines (the last step is always logged)
 * @param evalEvery       steps between held-out evaluations (0: only at the end)
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 * @param keepCheckpoints how many of the newest checkpoints to keep
 * @param skipBadFiles    image folders: leave undecodable files out with a warning listing them (false: the first is fatal)
 */
public record TrainConfig(String data, int imageSize, int trainImages, int evalImages, int steps, int batchSize, String optimizer,
                          double lr, double minLr, int warmupSteps, double weightDecay, double clipNorm, long seed,
                          int logEvery, int evalEvery, int checkpointEvery, int keepCheckpoints, boolean skipBadFiles) {

    private static final Set<String> KEYS = Set.of("data", "image_size", "train_images", "eval_images", "steps", "batch_size", "optimizer",
            "lr", "min_lr", "warmup_steps", "weight_decay", "clip_norm", "seed", "log_every", "eval_every", "checkpoint_every", "keep_checkpoints", "skip_bad_files");

    /** Unreadable files fatal. */
    public TrainConfig(String data, int imageSize, int trainImages, int evalImages, int steps, int batchSize, String optimizer,
                       double lr, double minLr, int warmupSteps, double weightDecay, double clipNorm, long seed,
                       int logEvery, int evalEvery, int checkpointEvery, int keepCheckpoints) {
        this(data, imageSize, trainImages, evalImages, steps, batchSize, optimizer, lr, minLr, warmupSteps, weightDecay, clipNorm, seed,
                logEvery, evalEvery, checkpointEvery, keepCheckpoints, false);
    }

    public static TrainConfig defaults() {
        return new TrainConfig("builtin", 32, 2048, 256, 2000, 32, "adam", 2e-3, 1e-4, 100, 0.0, 1.0, 1, 10, 0, 500, 3);
    }

    public TrainConfig {
        check(data != null && !data.isBlank(), "data must name a source (builtin, folder:PATH, mnist:PATH, cifar10:PATH)");
        check(imageSize >= 1, "image_size must be >= 1, got " + imageSize);
        check(trainImages >= 1, "train_images must be >= 1, got " + trainImages);
        check(evalImages >= 0, "eval_images must be >= 0, got " + evalImages);
        check(steps >= 1, "steps must be >= 1, got " + steps);
        check(batchSize >= 1, "batch_size must be >= 1, got " + batchSize);
        check("adam".equals(optimizer) || "adamw".equals(optimizer), "optimizer must be adam or adamw, got " + optimizer);
        check(lr > 0 && Double.isFinite(lr), "lr must be a positive number, got " + lr);
        check(minLr >= 0 && minLr <= lr, "min_lr must be between 0 and lr (" + lr + "), got " + minLr);
        check(warmupSteps >= 0 && warmupSteps < steps, "warmup_steps must be >= 0 and < steps (" + steps + "), got " + warmupSteps);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight_decay must be >= 0, got " + weightDecay);
        check(clipNorm >= 0 && Double.isFinite(clipNorm), "clip_norm must be >= 0 (0 = off), got " + clipNorm);
        check(logEvery >= 1, "log_every must be >= 1, got " + logEvery);
        check(evalEvery >= 0, "eval_every must be >= 0, got " + evalEvery);
        check(checkpointEvery >= 0, "checkpoint_every must be >= 0, got " + checkpointEvery);
        check(keepCheckpoints >= 1, "keep_checkpoints must be >= 1, got " + keepCheckpoints);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("TrainConfig: " + message);
    }

    public TrainConfig withSteps(int newSteps) {
        return new TrainConfig(data, imageSize, trainImages, evalImages, newSteps, batchSize, optimizer, lr, minLr, warmupSteps, weightDecay,
                clipNorm, seed, logEvery, evalEvery, checkpointEvery, keepCheckpoints, skipBadFiles);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data);
        m.put("image_size", imageSize);
        m.put("train_images", trainImages);
        m.put("eval_images", evalImages);
        m.put("steps", steps);
        m.put("batch_size", batchSize);
        m.put("optimizer", optimizer);
        m.put("lr", lr);
        m.put("min_lr", minLr);
        m.put("warmup_steps", warmupSteps);
        m.put("weight_decay", weightDecay);
        m.put("clip_norm", clipNorm);
        m.put("seed", seed);
        m.put("log_every", logEvery);
        m.put("eval_every", evalEvery);
        m.put("checkpoint_every", checkpointEvery);
        m.put("keep_checkpoints", keepCheckpoints);
        m.put("skip_bad_files", skipBadFiles);
        return m;
    }

    public String toJson() {
        return JsonWriter.pretty(toMap());
    }

    /** Keys missing from the object take their {@link #defaults()} value; unknown keys are errors. */
    public static TrainConfig fromMap(Object parsed) {
        ConfigReader r = new ConfigReader("TrainConfig", parsed, KEYS);
        TrainConfig d = defaults();
        return new TrainConfig(r.string("data", d.data), r.integer("image_size", d.imageSize), r.integer("train_images", d.trainImages),
                r.integer("eval_images", d.evalImages), r.integer("steps", d.steps), r.integer("batch_size", d.batchSize),
                r.string("optimizer", d.optimizer), r.number("lr", d.lr), r.number("min_lr", d.minLr), r.integer("warmup_steps", d.warmupSteps),
                r.number("weight_decay", d.weightDecay), r.number("clip_norm", d.clipNorm), r.longValue("seed", d.seed),
                r.integer("log_every", d.logEvery), r.integer("eval_every", d.evalEvery), r.integer("checkpoint_every", d.checkpointEvery),
                r.integer("keep_checkpoints", d.keepCheckpoints), r.bool("skip_bad_files", d.skipBadFiles));
    }

    public static TrainConfig fromJson(String json) {
        return fromMap(Json.parse(json));
    }
}
