package dev.vq4j.models.vqgan;

import java.util.List;
import java.util.Map;

/**
 * What {@code vq4j train --model vqgan} builds when no flag or config says otherwise: a small
 * taming VQGAN (ch 64, ch_mult 1,2,2, one res block per level, no attention, 4× downsampling) whose
 * quantiser uses its codebook (see docs/VQGAN.md, "Codebook usage", for the measurements behind the
 * choice), the discriminator switched on after 2000 steps, and a learning rate for short runs.
 */
public final class VqganDefaults {
    public static final double LR = 2e-4, MIN_LR = 1e-5;
    public static final int BATCH = 16;
    public static final long DISC_START = 2000;
    public static final String QUANTIZER = "vq";
    public static final int KMEANS_ITERS = 10;
    public static final double DEAD_CODE_THRESHOLD = 1.0;

    private VqganDefaults() {}

    /** Puts the defaults into the model, loss and train sections (keys already there are replaced). */
    public static void putInto(Map<String, Object> model, Map<String, Object> loss, Map<String, Object> train) {
        model.put("ch", 64L);
        model.put("ch_mult", List.of(1L, 2L, 2L));
        model.put("num_res_blocks", 1L);
        model.put("attn_resolutions", List.of());
        model.put("z_channels", 64L);
        model.put("embed_dim", 64L);
        model.put("n_embed", 1024L);
        model.put("dropout", 0.0);
        model.put("quantizer", QUANTIZER);
        model.put("legacy", false);
        model.put("kmeans_iters", (long) KMEANS_ITERS);
        model.put("dead_code_threshold", DEAD_CODE_THRESHOLD);
        loss.put("disc_start", DISC_START);
        loss.put("disc_weight", 0.8);
        train.put("lr", LR);
        train.put("min_lr", MIN_LR);
        train.put("batch_size", (long) BATCH);
    }
}
