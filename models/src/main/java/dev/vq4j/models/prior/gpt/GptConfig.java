package dev.vq4j.models.prior.gpt;

import dev.vq4j.models.vqvae.ConfigReader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The architecture of taming-transformers' {@code mingpt.GPT} ({@code transformer_config.params} in
 * taming's yaml; keys here are the same snake_case names): a decoder-only transformer of
 * {@code n_layer} pre-LayerNorm blocks, {@code n_head} heads over {@code n_embd} channels, learned
 * positions for up to {@code block_size} tokens out of a vocabulary of {@code vocab_size}.
 * Dropout probabilities default to 0 as in taming's GPT constructor. {@code n_unmasked}: the first
 * n tokens attend to each other bidirectionally (taming's mask {@code mask[:n, :n] = 1}).
 */
public record GptConfig(int vocabSize, int blockSize, int nLayer, int nHead, int nEmbd,
                        float embdPdrop, float residPdrop, float attnPdrop, int nUnmasked) {
    static final Set<String> KEYS = Set.of("vocab_size", "block_size", "n_layer", "n_head", "n_embd", "embd_pdrop", "resid_pdrop",
            "attn_pdrop", "n_unmasked");

    public GptConfig {
        if (vocabSize < 1) throw new IllegalArgumentException("GPT: vocab_size must be >= 1, got " + vocabSize);
        if (blockSize < 1) throw new IllegalArgumentException("GPT: block_size must be >= 1, got " + blockSize);
        if (nLayer < 1) throw new IllegalArgumentException("GPT: n_layer must be >= 1, got " + nLayer);
        if (nHead < 1) throw new IllegalArgumentException("GPT: n_head must be >= 1, got " + nHead);
        if (nEmbd < 1 || nEmbd % nHead != 0)
            throw new IllegalArgumentException("GPT: n_embd must be a positive multiple of n_head " + nHead + ", got " + nEmbd);
        checkP("embd_pdrop", embdPdrop);
        checkP("resid_pdrop", residPdrop);
        checkP("attn_pdrop", attnPdrop);
        if (nUnmasked < 0 || nUnmasked > blockSize)
            throw new IllegalArgumentException("GPT: n_unmasked must be in [0, block_size " + blockSize + "], got " + nUnmasked);
        // per block 12·n_embd² weights and taming's persisted block_size² causal mask; embeddings and head
        double e = nEmbd;
        dev.vq4j.models.ModelBudget.check("GPT", nLayer * (12 * e * e + (double) blockSize * blockSize) + e * (2.0 * vocabSize + blockSize),
                "n_layer, n_embd, block_size and vocab_size");
    }

    /** No dropout, no unmasked prefix (taming's GPT defaults). */
    public GptConfig(int vocabSize, int blockSize, int nLayer, int nHead, int nEmbd) {
        this(vocabSize, blockSize, nLayer, nHead, nEmbd, 0f, 0f, 0f, 0);
    }

    private static void checkP(String name, float p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("GPT: " + name + " must be in [0, 1), got " + p);
    }

    /** Channels per head. */
    public int headDim() {
        return nEmbd / nHead;
    }

    /** JSON/yaml-ready, taming's key names. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vocab_size", vocabSize);
        m.put("block_size", blockSize);
        m.put("n_layer", nLayer);
        m.put("n_head", nHead);
        m.put("n_embd", nEmbd);
        m.put("embd_pdrop", (double) embdPdrop);
        m.put("resid_pdrop", (double) residPdrop);
        m.put("attn_pdrop", (double) attnPdrop);
        m.put("n_unmasked", nUnmasked);
        return m;
    }

    /**
     * Reads taming's {@code transformer_config.params} or our own {@link #toMap()}: vocab_size,
     * block_size, n_layer, n_head, n_embd are required (taming's constructor defaults n_layer 12,
     * n_head 8, n_embd 256 are not assumed); the rest default to 0. Unknown keys are errors.
     */
    public static GptConfig fromMap(Object map) {
        ConfigReader r = new ConfigReader("GPT config", asParsed(map), KEYS);
        for (String k : new String[] {"vocab_size", "block_size", "n_layer", "n_head", "n_embd"})
            if (!r.has(k)) throw new IllegalArgumentException("GPT config: missing \"" + k + "\"");
        return new GptConfig(r.integer("vocab_size", 0), r.integer("block_size", 0), r.integer("n_layer", 0), r.integer("n_head", 0),
                r.integer("n_embd", 0), (float) r.number("embd_pdrop", 0), (float) r.number("resid_pdrop", 0),
                (float) r.number("attn_pdrop", 0), r.integer("n_unmasked", 0));
    }

    /** A map as a JSON/yaml parser gives it (integers as Long), so {@code fromMap(toMap())} works without a parse in between. */
    static Object asParsed(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) out.put(e.getKey(), asParsed(e.getValue()));
            return out;
        }
        if (o instanceof Integer || o instanceof Short || o instanceof Byte) return ((Number) o).longValue();
        if (o instanceof Float f) return f.doubleValue();
        return o;
    }
}
