package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.GroupNorm;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.ModuleList;

/**
 * taming's Decoder: conv_in from z_channels to ch·ch_mult[-1], mid, then levels from the coarsest
 * to the finest, each num_res_blocks + 1 res blocks (attention at listed resolutions) and an
 * Upsample except at level 0, then norm_out, swish, conv_out to out_ch. Levels are stored in level
 * order ({@code up.0} is the finest, as taming's {@code self.up.insert(0, up)}) and run in reverse.
 */
public class Decoder extends Module {
    private final Conv2d convIn, convOut;
    private final MidBlock mid;
    private final ModuleList up = new ModuleList();
    private final GroupNorm normOut;

    public Decoder(VqganConfig c) {
        int[] mult = c.chMult();
        int levels = mult.length;
        int blockIn = c.ch() * mult[levels - 1];
        int res = c.latentResolution();
        convIn = registerModule("conv_in", Blocks.conv3x3(c.zChannels(), blockIn));
        mid = registerModule("mid", new MidBlock(blockIn, c.dropout()));
        Level[] built = new Level[levels];
        for (int i = levels - 1; i >= 0; i--) { // built coarse to fine: construction order fixes the random init order
            Level level = new Level();
            int blockOut = c.ch() * mult[i];
            for (int j = 0; j <= c.numResBlocks(); j++) {
                level.block.add(new ResnetBlock(blockIn, blockOut, c.dropout()));
                blockIn = blockOut;
                if (c.attentionAt(res)) level.attn.add(new AttnBlock(blockIn));
            }
            if (i != 0) {
                level.setResample("upsample", new Upsample(blockIn));
                res *= 2;
            }
            built[i] = level;
        }
        for (Level level : built) up.add(level);
        registerModule("up", up);
        normOut = registerModule("norm_out", Blocks.normalize(blockIn));
        convOut = registerModule("conv_out", Blocks.conv3x3(blockIn, c.outCh()));
    }

    @Override
    public Tensor forward(Tensor z) {
        checkRank(z, 4, "[N, C, H, W]");
        Tensor h = mid.forward(convIn.forward(z));
        for (int i = up.size() - 1; i >= 0; i--) {
            Level level = (Level) up.get(i);
            h = level.resample(level.blocks(h));
        }
        return convOut.forward(Blocks.normSwish(normOut, h));
    }

    /** The last layer's weight, where the adaptive GAN weight measures gradients. */
    public Tensor convOutWeight() {
        return convOut.weight();
    }
}
