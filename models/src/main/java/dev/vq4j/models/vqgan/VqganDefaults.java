package dev.vq4j.models.vqgan;

import dev.vq4j.models.vqvae.QuantizerOptions;

import java.util.List;
import java.util.Map;

/**
 * What {@code vq4j train --model vqgan} builds when no flag or config says otherwise: a small
 * taming VQGAN (ch 64, ch_mult 1,2,2, one res block per level, no attention, 4× downsampling) whose
 * quantiser uses its codebook (see docs/VQGAN.md, "Codebook usage", for the measurements behind the
 * choice), the discriminator switched on after 2000 steps, and a learning rate for short runs.
 */
public final class VqganDefaults {
    public static final double LR = 1e-3, MIN_LR = 1e-5;
    public static final int BATCH = 16;
    public static final long DISC_START = 2000;
    /** EMA codebook with dead-code restarts: the option that used ≥ 90% of its codes with the best PSNR in the study. */
    public static final String QUANTIZER = "ema";
    public static final double DEAD_CODE_THRESHOLD = 1.0;
    public static final long CODEBOOK_SIZE = 512, CODE_DIM = 64;

    private VqganDefaults() {}

    /**
     * The default quantiser and its settings, when none was chosen (call after the config file and
     * flags are in): a chosen {@code quantizer} keeps its own defaults.
     */
    public static void putQuantizerIfUnset(Map<String, Object> model) {
        if (model.containsKey("quantizer")) return;
        model.put("quantizer", QUANTIZER);
        model.putIfAbsent("dead_code_threshold", DEAD_CODE_THRESHOLD);
    }

    /**
     * The codebook's size and dimension when not given, as for a VQ-VAE: fsq follows its levels, lfq
     * has 2^embed_dim codes (embed_dim 16 by default), the others 512 codes of dimension 64.
     */
    public static void putCodebookIfUnset(Map<String, Object> model) {
        String kind = String.valueOf(model.getOrDefault("quantizer", QUANTIZER));
        switch (kind) {
            case "fsq" -> {
                List<?> levels = model.get("levels") instanceof List<?> l ? l : QuantizerOptions.DEFAULT_LEVELS;
                long codes = 1;
                for (Object v : levels) codes *= v instanceof Number n ? Math.max(1, n.longValue()) : 1;
                model.putIfAbsent("embed_dim", (long) levels.size());
                model.putIfAbsent("n_embed", codes);
            }
            case "lfq" -> {
                model.putIfAbsent("embed_dim", 16L);
                if (model.get("embed_dim") instanceof Number d && d.longValue() >= 1 && d.longValue() <= 30) model.putIfAbsent("n_embed", 1L << d.longValue());
            }
            default -> {
                model.putIfAbsent("embed_dim", CODE_DIM);
                model.putIfAbsent("n_embed", CODEBOOK_SIZE);
            }
        }
    }

    /** Puts the defaults into the model, loss and train sections (keys already there are replaced). */
    public static void putInto(Map<String, Object> model, Map<String, Object> loss, Map<String, Object> train) {
        model.put("ch", 64L);
        model.put("ch_mult", List.of(1L, 2L, 2L));
        model.put("num_res_blocks", 1L);
        model.put("attn_resolutions", List.of());
        model.put("z_channels", 64L);
        model.put("dropout", 0.0);
        loss.put("disc_start", DISC_START);
        loss.put("disc_weight", 0.8);
        train.put("lr", LR);
        train.put("min_lr", MIN_LR);
        train.put("batch_size", (long) BATCH);
    }
}
