package dev.vq4j.models.prior.maskgit;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Shaping;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Dropout;
import dev.vq4j.autograd.nn.Embedding;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.autograd.nn.LayerNorm;
import dev.vq4j.autograd.nn.Linear;
import dev.vq4j.autograd.nn.Module;
import dev.vq4j.autograd.nn.ModuleList;
import dev.vq4j.core.DType;
import dev.vq4j.core.Rng;

import java.util.List;

/**
 * MaskGIT's bidirectional transformer (Chang et al. 2022, §3.1): it reads a code grid in which some tokens
 * are [MASK] and predicts a distribution over the K codes at every position.
 *
 * <pre>
 *   x_i   = tok_emb[t_i] + pos_emb[i]              i = 0..N−1, t_i ∈ [0, K] (K = [MASK])
 *   seq   = [cls_emb[y], x_0, ..., x_{N−1}]         class-conditional: the class token is prepended (no
 *                                                  position embedding of its own; y = n_classes is the null
 *                                                  class); unconditional: seq = x, no class token
 *   h     = ln_f(blocks(dropout(seq)))              pre-LN blocks, bidirectional attention
 *   logit = head(h_i) ∈ R^K                         for the N code positions only (the class token's output
 *                                                  is dropped; [MASK] is never predicted)
 * </pre>
 *
 * <p>State dict (D = n_embd, N = h·w): {@code pos_emb} [N, D], {@code tok_emb.weight} [K+1, D],
 * {@code cls_emb.weight} [n_classes+1, D] (class-conditional only), {@code blocks.i.ln1.{weight,bias}},
 * {@code blocks.i.attn.qkv.{weight [3D, D],bias}}, {@code blocks.i.attn.proj.{weight,bias}},
 * {@code blocks.i.ln2.{weight,bias}}, {@code blocks.i.mlp.fc1.{weight [hidden, D],bias}},
 * {@code blocks.i.mlp.fc2.{weight,bias}}, {@code ln_f.{weight,bias}}, {@code head.{weight [K, D],bias [K]}}.
 *
 * <p>Initialisation (as GPT-2/minGPT): linear weights and embeddings N(0, 0.02²), biases 0, LayerNorms 1 and 0.
 */
public final class MaskGitTransformer extends Module {
    private final MaskGitConfig config;
    private final Tensor posEmb;
    private final Embedding tokEmb, clsEmb;
    private final Dropout drop;
    private final ModuleList blocks;
    private final LayerNorm lnF;
    private final Linear head;

    /** A fresh model with weights drawn from {@code rng}. */
    public MaskGitTransformer(MaskGitConfig config, Rng rng) {
        this.config = config;
        int d = config.nEmbd();
        this.posEmb = registerParameter("pos_emb", Tensor.zeros(config.numTokens(), d));
        this.tokEmb = registerModule("tok_emb", new Embedding(config.codebookSize() + 1, d, rng));
        this.clsEmb = config.nClasses() > 0 ? registerModule("cls_emb", new Embedding(config.nClasses() + 1, d, rng)) : null;
        this.drop = registerModule("drop", new Dropout(config.dropout(), rng.split()));
        MaskGitBlock[] bs = new MaskGitBlock[config.nLayer()];
        for (int i = 0; i < bs.length; i++) bs[i] = new MaskGitBlock(config, rng);
        this.blocks = registerModule("blocks", new ModuleList(bs));
        this.lnF = registerModule("ln_f", new LayerNorm(d));
        this.head = registerModule("head", new Linear(d, config.codebookSize(), true, rng));
        initWeights(rng);
    }

    private void initWeights(Rng rng) {
        Init.normal(posEmb, 0, 0.02, rng);
        for (Module m : modules()) {
            if (m instanceof Linear l) {
                Init.normal(l.weight(), 0, 0.02, rng);
                if (l.bias() != null) Init.zeros(l.bias());
            } else if (m instanceof Embedding e) {
                Init.normal(e.weight(), 0, 0.02, rng);
            }
        }
    }

    public MaskGitConfig config() {
        return config;
    }

    /**
     * The final hidden states of the N code positions, [B, N, D].
     *
     * @param tokens int64 [B, N], values in [0, K] (K = [MASK])
     * @param labels int64 [B] in [0, n_classes] (n_classes = the null class) for a class-conditional model;
     *               null for an unconditional one
     */
    public Tensor hidden(Tensor tokens, Tensor labels) {
        int n = config.numTokens();
        if (tokens.dim() != 2 || tokens.size(1) != n)
            throw new IllegalArgumentException("MaskGitTransformer: expected tokens [B, " + n + "], got " + tokens.shapeString());
        if (tokens.dtype() != DType.INT64 && tokens.dtype() != DType.INT32)
            throw new IllegalArgumentException("MaskGitTransformer: tokens must be int64, got " + tokens.dtype());
        if (clsEmb == null && labels != null)
            throw new IllegalArgumentException("MaskGitTransformer: an unconditional model (n_classes = 0) takes no labels");
        if (clsEmb != null && (labels == null || labels.dim() != 1 || labels.size(0) != tokens.size(0)))
            throw new IllegalArgumentException("MaskGitTransformer: a class-conditional model needs labels [" + tokens.size(0) + "], got "
                    + (labels == null ? "none" : labels.shapeString()));
        Tensor x = tokEmb.forward(tokens).add(posEmb);
        if (clsEmb != null) x = Shaping.cat(List.of(clsEmb.forward(labels).unsqueeze(1), x), 1);
        x = drop.forward(x);
        for (Module b : blocks) x = b.forward(x);
        x = lnF.forward(x);
        return clsEmb != null ? x.narrow(1, 1, n) : x;
    }

    /** The code logits for hidden states [..., D]: [..., K]. */
    public Tensor head(Tensor hidden) {
        return head.forward(hidden);
    }

    /** Logits [B, N, K] over the codes at every position; see {@link #hidden}. */
    public Tensor logits(Tensor tokens, Tensor labels) {
        return head(hidden(tokens, labels));
    }

    /** Logits as host floats [B·N·K] without building a graph. */
    float[] logitsNoGrad(Tensor tokens, Tensor labels) {
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return logits(tokens, labels).contiguous().toFloatArray();
        }
    }
}
