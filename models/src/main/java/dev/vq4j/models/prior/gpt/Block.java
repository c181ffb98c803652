package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Dropout;
import dev.vq4j.autograd.nn.GELU;
import dev.vq4j.autograd.nn.LayerNorm;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.Sequential;
import dev.vq4j.core.Rng;

/**
 * taming's {@code mingpt.Block}, pre-LayerNorm:
 * <pre>  x = x + attn(ln1(x));   x = x + mlp(ln2(x)),   mlp = Dropout(Linear(4C→C)(GELU(Linear(C→4C))))</pre>
 * with the exact (erf) GELU of {@code nn.GELU()}; state-dict names {@code ln1}, {@code ln2},
 * {@code attn.*}, {@code mlp.0}, {@code mlp.2}.
 */
final class Block extends Module {
    final LayerNorm ln1, ln2;
    final CausalSelfAttention attn;
    final Sequential mlp;

    Block(GptConfig config, Rng rng) {
        int c = config.nEmbd();
        ln1 = registerModule("ln1", new LayerNorm(c));
        ln2 = registerModule("ln2", new LayerNorm(c));
        attn = registerModule("attn", new CausalSelfAttention(config, rng));
        mlp = registerModule("mlp", new Sequential(GptInit.linear(new Linear(c, 4 * c, true, rng), rng), new GELU(),
                GptInit.linear(new Linear(4 * c, c, true, rng), rng), new Dropout(config.residPdrop(), rng.split())));
    }

    @Override
    public Tensor forward(Tensor x) {
        x = x.add(attn.forward(ln1.forward(x)));
        return x.add(mlp.forward(ln2.forward(x)));
    }

    /** The same with the attention reading and extending this layer's KV cache at positions pos.. (inference). */
    Tensor forwardCached(Tensor x, Tensor kCache, Tensor vCache, int pos) {
        x = x.add(attn.forwardCached(ln1.forward(x), kCache, vCache, pos));
        return x.add(mlp.forward(ln2.forward(x)));
    }
}
