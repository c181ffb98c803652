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
 * the number of finished steps, the data-order generator's state, and the schedule's position
 * (the schedule is a pure function of the step, recorded with its parameters for people and checks).
 */
public record TrainerState(int step, long[] dataRng, double lr, int scheduleWarmup, int scheduleTotal) {
    private static final Set<String> KEYS = Set.of("step", "data_rng", "schedule", "format");
    private static final Set<String> SCHEDULE_KEYS = Set.of("type", "next_step", "lr", "warmup_steps", "total_steps");

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "vq4j-trainer-state-1");
        m.put("step", step);
        m.put("data_rng", List.of(dataRng[0], dataRng[1]));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "warmup_cosine");
        s.put("next_step", step + 1);
        s.put("lr", lr);
        s.put("warmup_steps", scheduleWarmup);
        s.put("total_steps", scheduleTotal);
        m.put("schedule", s);
        return JsonWriter.pretty(m);
    }

    public static TrainerState fromJson(String json) {
        ConfigReader r = new ConfigReader("trainer_state.json", Json.parse(json), KEYS);
        if (!"vq4j-trainer-state-1".equals(r.string("format", null)))
            throw new IllegalArgumentException("trainer_state.json: unknown format " + r.raw("format") + " (expected vq4j-trainer-state-1)");
        long[] rng = r.longs("data_rng");
        if (rng.length != 2) throw new IllegalArgumentException("trainer_state.json: \"data_rng\" must hold two integers");
        ConfigReader s = new ConfigReader("trainer_state.json schedule", r.raw("schedule"), SCHEDULE_KEYS);
        int step = r.integer("step", -1);
        if (step < 0) throw new IllegalArgumentException("trainer_state.json: \"step\" must be an integer >= 0");
        return new TrainerState(step, rng, s.number("lr", 0), s.integer("warmup_steps", 0), s.integer("total_steps", 0));
    }
}
