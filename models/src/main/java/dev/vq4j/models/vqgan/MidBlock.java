package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;

/** The bottleneck {@code mid}: block_1 → attn_1 → block_2 at constant width. */
final class MidBlock extends Module {
    private final ResnetBlock block1, block2;
    private final AttnBlock attn1;

    MidBlock(int channels, float dropout) {
        block1 = registerModule("block_1", new ResnetBlock(channels, channels, dropout));
        attn1 = registerModule("attn_1", new AttnBlock(channels));
        block2 = registerModule("block_2", new ResnetBlock(channels, channels, dropout));
    }

    @Override
    public Tensor forward(Tensor x) {
        return block2.forward(attn1.forward(block1.forward(x)));
    }
}
