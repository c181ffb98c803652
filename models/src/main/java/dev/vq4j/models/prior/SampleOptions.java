package dev.vq4j.models.prior;

/**
 * How to draw samples from a {@link CodePrior}.
 *
 * @param count       number of code grids
 * @param classLabel  the class to condition on, or -1 (unconditional prior, or a random class per sample
 *                    for a class-conditional one: drawn from the seed)
 * @param temperature logits are divided by it (> 0)
 * @param topK        keep the K most likely tokens (0: all)
 * @param topP        nucleus: keep the smallest set of most likely tokens whose probability reaches P (1: all; at least one kept)
 * @param greedy      take the most likely token (ignores temperature, top-k, top-p)
 * @param cfgScale    classifier-free guidance: logits = uncond + s·(cond − uncond); 1 = plain conditional
 * @param steps       MaskGIT decoding steps (ignored by the GPT)
 * @param schedule    MaskGIT mask schedule: "cosine", "linear" or "square"
 * @param choiceTemperature MaskGIT: τ of the Gumbel noise added to the confidence, annealed by (1 − s/T)
 * @param seed        the generator seed: same options, same codes
 * @param batchSize   how many grids are decoded together
 */
public record SampleOptions(int count, int classLabel, float temperature, int topK, float topP, boolean greedy, float cfgScale,
                            int steps, String schedule, float choiceTemperature, long seed, int batchSize) {
    public static final SampleOptions DEFAULTS = new SampleOptions(16, -1, 1f, 0, 1f, false, 1f, 8, "cosine", 4.5f, 0, 16);

    public SampleOptions {
        if (count < 1) throw new IllegalArgumentException("sample: count must be >= 1, got " + count);
        if (!(temperature > 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("sample: temperature must be > 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("sample: top-k must be >= 0 (0 = all tokens), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("sample: top-p must be in (0, 1], got " + topP);
        if (!(cfgScale >= 0) || Float.isInfinite(cfgScale)) throw new IllegalArgumentException("sample: the guidance scale must be >= 0, got " + cfgScale);
        if (steps < 1) throw new IllegalArgumentException("sample: steps must be >= 1, got " + steps);
        if (!schedule.equals("cosine") && !schedule.equals("linear") && !schedule.equals("square"))
            throw new IllegalArgumentException("sample: the schedule must be cosine, linear or square, got '" + schedule + "'");
        if (!(choiceTemperature >= 0)) throw new IllegalArgumentException("sample: the choice temperature must be >= 0, got " + choiceTemperature);
        if (batchSize < 1) throw new IllegalArgumentException("sample: batch size must be >= 1, got " + batchSize);
    }

    public SampleOptions withCount(int n) { return new SampleOptions(n, classLabel, temperature, topK, topP, greedy, cfgScale, steps, schedule, choiceTemperature, seed, batchSize); }
    public SampleOptions withClass(int c) { return new SampleOptions(count, c, temperature, topK, topP, greedy, cfgScale, steps, schedule, choiceTemperature, seed, batchSize); }
    public SampleOptions withSeed(long s) { return new SampleOptions(count, classLabel, temperature, topK, topP, greedy, cfgScale, steps, schedule, choiceTemperature, s, batchSize); }
    public SampleOptions withGreedy(boolean g) { return new SampleOptions(count, classLabel, temperature, topK, topP, g, cfgScale, steps, schedule, choiceTemperature, seed, batchSize); }
    public SampleOptions withFilter(float t, int k, float p) { return new SampleOptions(count, classLabel, t, k, p, greedy, cfgScale, steps, schedule, choiceTemperature, seed, batchSize); }
    public SampleOptions withCfg(float s) { return new SampleOptions(count, classLabel, temperature, topK, topP, greedy, s, steps, schedule, choiceTemperature, seed, batchSize); }
    public SampleOptions withSteps(int n, String sched) { return new SampleOptions(count, classLabel, temperature, topK, topP, greedy, cfgScale, n, sched, choiceTemperature, seed, batchSize); }
    public SampleOptions withBatchSize(int b) { return new SampleOptions(count, classLabel, temperature, topK, topP, greedy, cfgScale, steps, schedule, choiceTemperature, seed, b); }
}
