package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.GroupNorm;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.ModuleList;

/**
 * taming's Encoder: conv_in, then per level i (width ch·ch_mult[i]) num_res_blocks res blocks
 * (attention after each at listed resolutions) and a Downsample except at the last level, then
 * mid, norm_out, swish, conv_out to z_channels. Image [N, in_channels, R, R] → [N, z_channels, R/f, R/f].
 */
public class Encoder extends Module {
    private final Conv2d convIn, convOut;
    private final ModuleList down = new ModuleList();
    private final MidBlock mid;
    private final GroupNorm normOut;

    public Encoder(VqganConfig c) {
        int[] mult = c.chMult();
        convIn = registerModule("conv_in", Blocks.conv3x3(c.inChannels(), c.ch()));
        int res = c.resolution(), blockIn = c.ch();
        for (int i = 0; i < mult.length; i++) {
            Level level = new Level();
            int blockOut = c.ch() * mult[i];
            for (int j = 0; j < c.numResBlocks(); j++) {
                level.block.add(new ResnetBlock(blockIn, blockOut, c.dropout()));
                blockIn = blockOut;
                if (c.attentionAt(res)) level.attn.add(new AttnBlock(blockIn));
            }
            if (i != mult.length - 1) {
                level.setResample("downsample", new Downsample(blockIn));
                res /= 2;
            }
            down.add(level);
        }
        registerModule("down", down);
        mid = registerModule("mid", new MidBlock(blockIn, c.dropout()));
        normOut = registerModule("norm_out", Blocks.normalize(blockIn));
        convOut = registerModule("conv_out", Blocks.conv3x3(blockIn, c.zChannels()));
    }

    @Override
    public Tensor forward(Tensor x) {
        checkRank(x, 4, "[N, C, H, W]");
        Tensor h = convIn.forward(x);
        for (Module m : down) {
            Level level = (Level) m;
            h = level.resample(level.blocks(h));
        }
        h = mid.forward(h);
        return convOut.forward(Blocks.normSwish(normOut, h));
    }
}
