package dev.vq4j.models.prior.maskgit;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.LayerNorm;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.core.Rng;

/**
 * A pre-LN transformer block: x + attn(ln1(x)), then + mlp(ln2(x)).
 * State dict: {@code ln1.*}, {@code attn.*} ({@link MaskGitAttention}), {@code ln2.*}, {@code mlp.*} ({@link MaskGitMlp}).
 */
final class MaskGitBlock extends Module {
    private final LayerNorm ln1, ln2;
    private final MaskGitAttention attn;
    private final MaskGitMlp mlp;

    MaskGitBlock(MaskGitConfig c, Rng rng) {
        this.ln1 = registerModule("ln1", new LayerNorm(c.nEmbd()));
        this.attn = registerModule("attn", new MaskGitAttention(c.nEmbd(), c.nHead(), c.dropout(), rng));
        this.ln2 = registerModule("ln2", new LayerNorm(c.nEmbd()));
        this.mlp = registerModule("mlp", new MaskGitMlp(c.nEmbd(), c.mlpHidden(), c.dropout(), rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x.add(attn.forward(ln1.forward(x)));
        return h.add(mlp.forward(ln2.forward(h)));
    }
}
