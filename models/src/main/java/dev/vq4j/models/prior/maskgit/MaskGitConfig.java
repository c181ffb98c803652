package dev.vq4j.models.prior.maskgit;

import dev.vq4j.core.io.Json;
import dev.vq4j.models.vqvae.ConfigReader;
import dev.vq4j.models.vqvae.JsonWriter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The shape of a {@link MaskGitTransformer} and the training-time knobs of {@link MaskGitPrior},
 * written to a checkpoint's config.json with {@link #toMap()} (snake_case keys).
 *
 * @param codebookSize K: codes are in [0, K); the [MASK] token is K
 * @param gridH        rows h of the code grid
 * @param gridW        columns w of the code grid (the sequence has N = h·w code tokens)
 * @param nClasses     number of classes conditioned on; 0 for an unconditional prior
 * @param nLayer       transformer blocks
 * @param nHead        attention heads; must divide nEmbd
 * @param nEmbd        width D of the residual stream
 * @param mlpHidden    hidden width of each block's MLP (commonly 4·D)
 * @param dropout      dropout on the embeddings and on each residual branch's output, in [0, 1)
 * @param pUncond      label dropout for classifier-free guidance: during training each label is replaced by
 *                     the null class with this probability, in [0, 1]; must be 0 for an unconditional prior
 */
public record MaskGitConfig(int codebookSize, int gridH, int gridW, int nClasses, int nLayer, int nHead, int nEmbd,
                            int mlpHidden, float dropout, float pUncond) {

    static final Set<String> KEYS = Set.of("codebook_size", "grid_h", "grid_w", "n_classes", "n_layer", "n_head", "n_embd",
            "mlp_hidden", "mlp_ratio", "dropout", "p_uncond");

    /** With an MLP of {@code mlpRatio}·nEmbd hidden units. */
    public static MaskGitConfig of(int codebookSize, int gridH, int gridW, int nClasses, int nLayer, int nHead, int nEmbd,
                                   int mlpRatio, float dropout, float pUncond) {
        check(mlpRatio >= 1, "mlp_ratio must be >= 1, got " + mlpRatio);
        return new MaskGitConfig(codebookSize, gridH, gridW, nClasses, nLayer, nHead, nEmbd, Math.multiplyExact(mlpRatio, nEmbd), dropout, pUncond);
    }

    public MaskGitConfig {
        check(codebookSize >= 1, "codebook_size must be >= 1, got " + codebookSize);
        check(gridH >= 1 && gridW >= 1, "the code grid must be at least 1x1, got grid_h=" + gridH + ", grid_w=" + gridW);
        check((long) gridH * gridW <= 1 << 20, "the code grid " + gridH + "x" + gridW + " has more than 2^20 tokens");
        check(nClasses >= 0, "n_classes must be >= 0 (0 = unconditional), got " + nClasses);
        check(nLayer >= 1, "n_layer must be >= 1, got " + nLayer);
        check(nHead >= 1, "n_head must be >= 1, got " + nHead);
        check(nEmbd >= 1, "n_embd must be >= 1, got " + nEmbd);
        check(nEmbd % nHead == 0, "n_embd (" + nEmbd + ") must be a multiple of n_head (" + nHead + ")");
        check(mlpHidden >= 1, "mlp_hidden must be >= 1, got " + mlpHidden);
        check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
        check(pUncond >= 0 && pUncond <= 1, "p_uncond must be in [0, 1], got " + pUncond);
        check(nClasses > 0 || pUncond == 0, "p_uncond must be 0 for an unconditional prior (n_classes = 0), got " + pUncond);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("MaskGitConfig: " + message);
    }

    /** N = h·w, the number of code tokens per grid. */
    public int numTokens() {
        return gridH * gridW;
    }

    /** The [MASK] token's id: K, one past the last code. */
    public int maskToken() {
        return codebookSize;
    }

    /** The null class's row in the class embedding: n_classes (only for a class-conditional prior). */
    public int nullClass() {
        return nClasses;
    }

    /** JSON-ready, integers as Long (as a parsed config.json holds them), so {@code fromMap(toMap())} is this config. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("codebook_size", (long) codebookSize);
        m.put("grid_h", (long) gridH);
        m.put("grid_w", (long) gridW);
        m.put("n_classes", (long) nClasses);
        m.put("n_layer", (long) nLayer);
        m.put("n_head", (long) nHead);
        m.put("n_embd", (long) nEmbd);
        m.put("mlp_hidden", (long) mlpHidden);
        m.put("dropout", (double) dropout);
        m.put("p_uncond", (double) pUncond);
        return m;
    }

    public String toJson() {
        return JsonWriter.pretty(toMap());
    }

    /**
     * codebook_size, grid_h, grid_w, n_layer, n_head and n_embd are required; n_classes defaults to 0,
     * mlp_hidden to mlp_ratio·n_embd (mlp_ratio defaults to 4; give one of the two), dropout and p_uncond to 0.
     * Unknown keys are errors.
     */
    public static MaskGitConfig fromMap(Object parsed) {
        ConfigReader r = new ConfigReader("MaskGitConfig", parsed, KEYS);
        for (String k : new String[] {"codebook_size", "grid_h", "grid_w", "n_layer", "n_head", "n_embd"})
            if (!r.has(k)) throw new IllegalArgumentException("MaskGitConfig: missing \"" + k + "\"");
        if (r.has("mlp_hidden") && r.has("mlp_ratio"))
            throw new IllegalArgumentException("MaskGitConfig: give \"mlp_hidden\" or \"mlp_ratio\", not both");
        int nEmbd = r.integer("n_embd", 0);
        int ratio = r.integer("mlp_ratio", 4);
        check(ratio >= 1, "mlp_ratio must be >= 1, got " + ratio);
        int hidden = r.integer("mlp_hidden", (int) Math.min(Integer.MAX_VALUE, (long) ratio * nEmbd));
        return new MaskGitConfig(r.integer("codebook_size", 0), r.integer("grid_h", 0), r.integer("grid_w", 0), r.integer("n_classes", 0),
                r.integer("n_layer", 0), r.integer("n_head", 0), nEmbd, hidden, (float) r.number("dropout", 0), (float) r.number("p_uncond", 0));
    }

    public static MaskGitConfig fromJson(String json) {
        return fromMap(Json.parse(json));
    }
}
