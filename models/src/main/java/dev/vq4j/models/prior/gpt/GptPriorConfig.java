package dev.vq4j.models.prior.gpt;

import dev.vq4j.models.vqvae.ConfigReader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything that builds a {@link GptPrior}: taming's {@code Net2NetTransformer} around a {@link GptConfig}.
 * The GPT models the sequence {@code [c | z]}: one condition token c, then the h·w codes z in raster order.
 * <ul>
 *   <li>Unconditional ({@code n_classes} 0): c = {@code sos_token} (taming's SOSProvider).</li>
 *   <li>Class-conditional: c = {@code class_offset} + label. Our own models put the class tokens after
 *       the codebook, vocab = K + n_classes + 1 with class_offset K, the last token the null class used
 *       for label dropout ({@code p_uncond}) and classifier-free guidance; taming's checkpoints
 *       (Labelator) share the code vocabulary, class_offset 0 and no null class.</li>
 *   <li>{@code pkeep}: in training each code of the input is replaced by a uniform random code with
 *       probability 1 − pkeep (taming's corruption); the target stays the true code.</li>
 * </ul>
 *
 * @param codebookSize K: codes are [0, K)
 * @param gridH        code grid height h
 * @param gridW        code grid width w
 * @param numClasses   0 for an unconditional prior
 * @param sosToken     the start token of an unconditional prior (ignored for a conditional one)
 * @param classOffset  token of class 0
 * @param pkeep        probability an input code is kept in training, in (0, 1]
 * @param pUncond      probability a label is replaced by the null class in training, in [0, 1)
 * @param gpt          the transformer
 */
public record GptPriorConfig(int codebookSize, int gridH, int gridW, int numClasses, int sosToken, int classOffset, float pkeep,
                             float pUncond, GptConfig gpt) {
    private static final Set<String> KEYS = Set.of("codebook_size", "grid_h", "grid_w", "n_classes", "sos_token", "class_offset", "pkeep",
            "p_uncond", "transformer");

    public GptPriorConfig {
        if (gpt == null) throw new IllegalArgumentException("GPT prior: the transformer config is missing");
        int v = gpt.vocabSize();
        if (codebookSize < 1 || codebookSize > v)
            throw new IllegalArgumentException("GPT prior: codebook_size must be in [1, vocab_size " + v + "], got " + codebookSize);
        if (gridH < 1 || gridW < 1) throw new IllegalArgumentException("GPT prior: the grid must be at least 1x1, got " + gridH + "x" + gridW);
        if (gpt.blockSize() < gridH * gridW)
            throw new IllegalArgumentException("GPT prior: block_size " + gpt.blockSize() + " must be >= cond_len 1 + h*w " + gridH * gridW
                    + " - 1 = " + gridH * gridW);
        if (numClasses < 0) throw new IllegalArgumentException("GPT prior: n_classes must be >= 0, got " + numClasses);
        if (numClasses == 0 && (sosToken < 0 || sosToken >= v))
            throw new IllegalArgumentException("GPT prior: sos_token must be in [0, vocab_size " + v + "), got " + sosToken);
        if (numClasses > 0 && (classOffset < 0 || classOffset + numClasses > v))
            throw new IllegalArgumentException("GPT prior: class tokens [" + classOffset + ", " + (classOffset + numClasses)
                    + ") (class_offset + n_classes) do not fit the vocab_size " + v);
        if (!(pkeep > 0 && pkeep <= 1)) throw new IllegalArgumentException("GPT prior: pkeep must be in (0, 1], got " + pkeep);
        if (!(pUncond >= 0 && pUncond < 1)) throw new IllegalArgumentException("GPT prior: p_uncond must be in [0, 1), got " + pUncond);
        if (pUncond > 0 && !hasNullClass(codebookSize, numClasses, classOffset, v))
            throw new IllegalArgumentException("GPT prior: p_uncond > 0 needs a class-conditional prior with a null class token: class tokens after the"
                    + " codebook (class_offset >= codebook_size " + codebookSize + ", got " + classOffset + ") and class_offset + n_classes "
                    + (classOffset + numClasses) + " < vocab_size " + v);
    }

    /**
     * Our own layout: condition tokens after the codebook (unconditional: vocab K + 1, SOS = K;
     * conditional: vocab K + n_classes + 1, classes from K, null class last), block_size h·w.
     */
    public static GptPriorConfig standard(int codebookSize, int gridH, int gridW, int numClasses, int nLayer, int nHead, int nEmbd,
                                          float dropout, float pkeep, float pUncond) {
        int vocab = codebookSize + (numClasses > 0 ? numClasses + 1 : 1);
        GptConfig g = new GptConfig(vocab, gridH * gridW, nLayer, nHead, nEmbd, dropout, dropout, dropout, 0);
        return new GptPriorConfig(codebookSize, gridH, gridW, numClasses, codebookSize, codebookSize, pkeep, pUncond, g);
    }

    /** Codes per grid, h·w. */
    public int sequenceLength() {
        return gridH * gridW;
    }

    /**
     * The null-class token class_offset + n_classes, or −1 when the vocabulary has none: unconditional, or
     * class tokens sharing the code vocabulary (taming's Labelator, where every token past the classes is a code).
     */
    public int nullClassToken() {
        return hasNullClass(codebookSize, numClasses, classOffset, gpt.vocabSize()) ? classOffset + numClasses : -1;
    }

    private static boolean hasNullClass(int k, int classes, int offset, int vocab) {
        return classes > 0 && offset >= k && offset + classes < vocab;
    }

    /**
     * How many logits the loss is over: K when the condition tokens sit after the codebook (ours: a
     * code position can never be a class or SOS token), else the whole vocabulary (taming's loss).
     */
    public int lossVocab() {
        boolean after = numClasses > 0 ? classOffset >= codebookSize : sosToken >= codebookSize;
        return after ? codebookSize : gpt.vocabSize();
    }

    /** JSON-ready, snake_case; the transformer under {@code transformer} as {@link GptConfig#toMap()}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("codebook_size", codebookSize);
        m.put("grid_h", gridH);
        m.put("grid_w", gridW);
        m.put("n_classes", numClasses);
        m.put("sos_token", sosToken);
        m.put("class_offset", classOffset);
        m.put("pkeep", (double) pkeep);
        m.put("p_uncond", (double) pUncond);
        m.put("transformer", gpt.toMap());
        return m;
    }

    /** Reads {@link #toMap()}'s form: codebook_size, grid_h, grid_w, transformer required; n_classes 0, sos_token 0, class_offset 0, pkeep 1, p_uncond 0 by default. */
    public static GptPriorConfig fromMap(Object map) {
        ConfigReader r = new ConfigReader("GPT prior config", GptConfig.asParsed(map), KEYS);
        for (String k : new String[] {"codebook_size", "grid_h", "grid_w", "transformer"})
            if (!r.has(k)) throw new IllegalArgumentException("GPT prior config: missing \"" + k + "\"");
        return new GptPriorConfig(r.integer("codebook_size", 0), r.integer("grid_h", 0), r.integer("grid_w", 0), r.integer("n_classes", 0),
                r.integer("sos_token", 0), r.integer("class_offset", 0), (float) r.number("pkeep", 1), (float) r.number("p_uncond", 0),
                GptConfig.fromMap(r.raw("transformer")));
    }
}
