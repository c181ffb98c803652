package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.ModuleList;

/**
 * One resolution level of the encoder ({@code down.i}) or decoder ({@code up.i}): res blocks
 * {@code block.j}, each followed by {@code attn.j} when the level has attention, then an optional
 * {@code downsample} or {@code upsample}.
 */
final class Level extends Module {
    final ModuleList block = new ModuleList(), attn = new ModuleList();
    private Module resample;

    Level() {
        registerModule("block", block);
        registerModule("attn", attn);
    }

    void setResample(String name, Module m) {
        resample = registerModule(name, m);
    }

    /** The blocks (with their attention) without the resampling step. */
    Tensor blocks(Tensor h) {
        for (int j = 0; j < block.size(); j++) {
            h = block.get(j).forward(h);
            if (attn.size() > 0) h = attn.get(j).forward(h);
        }
        return h;
    }

    Tensor resample(Tensor h) {
        return resample == null ? h : resample.forward(h);
    }
}
