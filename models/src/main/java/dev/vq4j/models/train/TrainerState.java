package dev.vq4j.models.train;

import dev.vq4j.core.io.Json;
import dev.vq4j.models.vqvae.ConfigReader;
import dev.vq4j.models.vqvae.JsonWriter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything besides weights and optimiser moments that a resumed run needs to continue exactly:
 * the number of finished steps, the data-order generator's state, the generators inside the model
 * (quantisers' k-means, dead-code restarts and quantise-dropout, by module name), the data source's
 * generator (random crops and flips; null when it has none), and the schedule's position (the
 * schedule is a pure function of the step, recorded with its parameters for people and checks).
 */
public record TrainerState(int step, long[] dataRng, Map<String, long[]> modelRngs, long[] dataSourceRng, double lr, int scheduleWarmup,
                           int scheduleTotal) {
    private static final Set<String> KEYS = Set.of("step", "data_rng", "model_rngs", "data_source_rng", "schedule", "format");
    private static final Set<String> SCHEDULE_KEYS = Set.of("type", "next_step", "lr", "warmup_steps", "total_steps");

    public TrainerState {
        modelRngs = modelRngs == null ? Map.of() : new LinkedHashMap<>(modelRngs);
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "vq4j-trainer-state-1");
        m.put("step", step);
        m.put("data_rng", pair(dataRng));
        Map<String, Object> models = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : modelRngs.entrySet()) models.put(e.getKey(), pair(e.getValue()));
        m.put("model_rngs", models);
        if (dataSourceRng != null) m.put("data_source_rng", pair(dataSourceRng));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "warmup_cosine");
        s.put("next_step", step + 1);
        s.put("lr", lr);
        s.put("warmup_steps", scheduleWarmup);
        s.put("total_steps", scheduleTotal);
        m.put("schedule", s);
        return JsonWriter.pretty(m);
    }

    private static List<Long> pair(long[] state) {
        return List.of(state[0], state[1]);
    }

    private static long[] pair(ConfigReader r, String key) {
        long[] v = r.longs(key);
        if (v.length != 2) throw new IllegalArgumentException("trainer_state.json: \"" + key + "\" must hold two integers");
        return v;
    }

    public static TrainerState fromJson(String json) {
        ConfigReader r = new ConfigReader("trainer_state.json", Json.parse(json), KEYS);
        if (!"vq4j-trainer-state-1".equals(r.string("format", null)))
            throw new IllegalArgumentException("trainer_state.json: unknown format " + r.raw("format") + " (expected vq4j-trainer-state-1)");
        long[] rng = pair(r, "data_rng");
        Map<String, long[]> models = new LinkedHashMap<>();
        if (r.has("model_rngs")) {
            if (!(r.raw("model_rngs") instanceof Map<?, ?> raw)) throw new IllegalArgumentException("trainer_state.json: \"model_rngs\" must be an object");
            @SuppressWarnings("unchecked") Map<String, Object> typed = (Map<String, Object>) raw;
            ConfigReader mr = new ConfigReader("trainer_state.json model_rngs", typed, typed.keySet());
            for (String k : typed.keySet()) models.put(k, pair(mr, k));
        }
        long[] source = r.has("data_source_rng") ? pair(r, "data_source_rng") : null;
        ConfigReader s = new ConfigReader("trainer_state.json schedule", r.raw("schedule"), SCHEDULE_KEYS);
        int step = r.integer("step", -1);
        if (step < 0) throw new IllegalArgumentException("trainer_state.json: \"step\" must be an integer >= 0");
        return new TrainerState(step, rng, models, source, s.number("lr", 0), s.integer("warmup_steps", 0), s.integer("total_steps", 0));
    }
}
