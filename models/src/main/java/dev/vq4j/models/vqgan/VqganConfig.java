package dev.vq4j.models.vqgan;

import java.util.Arrays;

/**
 * taming-transformers' VQModel hyper-parameters: the {@code ddconfig} keys plus {@code embed_dim}
 * and {@code n_embed}. Spatial sizes: the latent grid is resolution / 2^(len(ch_mult) − 1); an
 * attention block follows each res block of a level whose resolution is listed in attn_resolutions.
 */
public record VqganConfig(int ch, int[] chMult, int numResBlocks, int[] attnResolutions, int zChannels, int embedDim,
                          int nEmbed, int resolution, int inChannels, int outCh, float dropout, boolean doubleZ) {

    public VqganConfig {
        chMult = chMult.clone();
        attnResolutions = attnResolutions.clone();
        if (ch <= 0 || ch % 32 != 0)
            throw new IllegalArgumentException("VqganConfig: ch must be a positive multiple of 32 (GroupNorm(32, ·)), got " + ch);
        if (chMult.length == 0) throw new IllegalArgumentException("VqganConfig: ch_mult must not be empty");
        for (int m : chMult) if (m <= 0) throw new IllegalArgumentException("VqganConfig: ch_mult entries must be positive, got " + Arrays.toString(chMult));
        if (numResBlocks < 1) throw new IllegalArgumentException("VqganConfig: num_res_blocks must be ≥ 1, got " + numResBlocks);
        if (zChannels <= 0 || embedDim <= 0 || nEmbed <= 0 || inChannels <= 0 || outCh <= 0)
            throw new IllegalArgumentException("VqganConfig: z_channels, embed_dim, n_embed, in_channels and out_ch must be positive");
        if (resolution <= 0 || resolution % (1 << (chMult.length - 1)) != 0)
            throw new IllegalArgumentException("VqganConfig: resolution " + resolution + " must be divisible by 2^(len(ch_mult) - 1) = " + (1 << (chMult.length - 1)));
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("VqganConfig: dropout must be in [0, 1), got " + dropout);
        if (doubleZ) throw new IllegalArgumentException("VqganConfig: double_z=true is for KL autoencoders; a VQModel needs double_z=false");
        dev.vq4j.models.ModelBudget.check("VqganConfig", parameterEstimate(ch, chMult, numResBlocks, zChannels, embedDim, nEmbed, inChannels, outCh),
                "ch, ch_mult, num_res_blocks, z_channels and n_embed");
    }

    /**
     * About how many parameters taming's Encoder + Decoder + codebook hold (in doubles, so absurd sizes
     * do not overflow): per level, residual blocks of two 3×3 convolutions (num_res_blocks in the
     * encoder, num_res_blocks + 1 in the decoder), a resampling convolution, and the middle blocks at
     * the widest level. Attention and norms add a few percent, not counted.
     */
    static double parameterEstimate(int ch, int[] chMult, int numResBlocks, int zChannels, int embedDim, int nEmbed, int inChannels, int outCh) {
        double total = 9.0 * ch * (inChannels + outCh) + 9.0 * 2 * zChannels * ch * chMult[chMult.length - 1] + (double) nEmbed * embedDim;
        for (int m : chMult) {
            double c = (double) ch * m;
            total += (2.0 * numResBlocks + 1) * 18 * c * c + 2 * 9 * c * c;
        }
        double top = (double) ch * chMult[chMult.length - 1];
        return total + 4 * 18 * top * top;
    }

    /** taming's vqgan_imagenet_f16_1024 / 16384 ddconfig (256 px, f16, 1024 or 16384 codes of dim 256). */
    public static VqganConfig imagenetF16(int nEmbed) {
        return new VqganConfig(128, new int[] {1, 1, 2, 2, 4}, 2, new int[] {16}, 256, 256, nEmbed, 256, 3, 3, 0f, false);
    }

    /** Spatial downsampling factor 2^(len(ch_mult) − 1). */
    public int downsamplingFactor() {
        return 1 << (chMult.length - 1);
    }

    public int latentResolution() {
        return resolution / downsamplingFactor();
    }

    boolean attentionAt(int res) {
        for (int r : attnResolutions) if (r == res) return true;
        return false;
    }

    @Override
    public int[] chMult() { return chMult.clone(); }

    @Override
    public int[] attnResolutions() { return attnResolutions.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof VqganConfig c && ch == c.ch && Arrays.equals(chMult, c.chMult) && numResBlocks == c.numResBlocks
                && Arrays.equals(attnResolutions, c.attnResolutions) && zChannels == c.zChannels && embedDim == c.embedDim
                && nEmbed == c.nEmbed && resolution == c.resolution && inChannels == c.inChannels && outCh == c.outCh
                && Float.compare(dropout, c.dropout) == 0 && doubleZ == c.doubleZ;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {ch, Arrays.hashCode(chMult), numResBlocks, Arrays.hashCode(attnResolutions), zChannels,
                embedDim, nEmbed, resolution, inChannels, outCh, dropout, doubleZ});
    }

    @Override
    public String toString() {
        return "VqganConfig[ch=" + ch + ", ch_mult=" + Arrays.toString(chMult) + ", num_res_blocks=" + numResBlocks
                + ", attn_resolutions=" + Arrays.toString(attnResolutions) + ", z_channels=" + zChannels + ", embed_dim=" + embedDim
                + ", n_embed=" + nEmbed + ", resolution=" + resolution + ", in_channels=" + inChannels + ", out_ch=" + outCh
                + ", dropout=" + dropout + ", double_z=" + doubleZ + "]";
    }
}
