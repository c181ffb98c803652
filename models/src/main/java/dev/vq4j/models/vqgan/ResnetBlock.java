package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.Dropout;
import dev.vq4j.autograd.nn.GroupNorm;
import dev.vq4j.autograd.nn.Module;

/**
 * taming's ResnetBlock without a time embedding: x + conv2(dropout(swish(norm2(conv1(swish(norm1(x))))))),
 * with a 1×1 {@code nin_shortcut} on x when the channel count changes.
 * Parameters: norm1, conv1, norm2, conv2, nin_shortcut.
 */
public class ResnetBlock extends Module {
    private final GroupNorm norm1, norm2;
    private final Conv2d conv1, conv2, ninShortcut;
    private final Dropout dropout;

    public ResnetBlock(int inChannels, int outChannels, float dropout) {
        norm1 = registerModule("norm1", Blocks.normalize(inChannels));
        conv1 = registerModule("conv1", Blocks.conv3x3(inChannels, outChannels));
        norm2 = registerModule("norm2", Blocks.normalize(outChannels));
        this.dropout = registerModule("dropout", new Dropout(dropout));
        conv2 = registerModule("conv2", Blocks.conv3x3(outChannels, outChannels));
        ninShortcut = inChannels != outChannels ? registerModule("nin_shortcut", Blocks.conv1x1(inChannels, outChannels)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = conv1.forward(Blocks.normSwish(norm1, x));
        h = conv2.forward(dropout.forward(Blocks.normSwish(norm2, h)));
        Tensor skip = ninShortcut == null ? x : ninShortcut.forward(x);
        return skip.add(h);
    }
}
