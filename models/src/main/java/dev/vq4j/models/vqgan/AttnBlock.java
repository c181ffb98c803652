package dev.vq4j.models.vqgan;

import dev.vq4j.autograd.LinearAlgebra;
import dev.vq4j.autograd.Softmax;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Conv2d;
import dev.vq4j.autograd.nn.GroupNorm;
import dev.vq4j.autograd.nn.Module;

/**
 * taming's AttnBlock: single-head self-attention over the H·W positions of a feature map,
 * x + proj_out(v · softmax(qᵀk / sqrt(C))ᵀ), with q, k, v 1×1 convolutions of GroupNorm(x).
 * Parameters: norm, q, k, v, proj_out.
 */
public class AttnBlock extends Module {
    private final GroupNorm norm;
    private final Conv2d q, k, v, projOut;

    public AttnBlock(int channels) {
        norm = registerModule("norm", Blocks.normalize(channels));
        q = registerModule("q", Blocks.conv1x1(channels, channels));
        k = registerModule("k", Blocks.conv1x1(channels, channels));
        v = registerModule("v", Blocks.conv1x1(channels, channels));
        projOut = registerModule("proj_out", Blocks.conv1x1(channels, channels));
    }

    @Override
    public Tensor forward(Tensor x) {
        checkRank(x, 4, "[N, C, H, W]");
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        Tensor hn = norm.forward(x);
        Tensor query = q.forward(hn).reshape(n, c, h * w).permute(0, 2, 1); // [N, HW, C]
        Tensor key = k.forward(hn).reshape(n, c, h * w);                     // [N, C, HW]
        Tensor value = v.forward(hn).reshape(n, c, h * w);                   // [N, C, HW]
        Tensor weights = LinearAlgebra.bmm(query, key).mul((float) (1.0 / Math.sqrt(c))); // [N, HW(query), HW(key)]
        weights = Softmax.softmax(weights, 2);
        Tensor attended = LinearAlgebra.bmm(value, weights.permute(0, 2, 1)).reshape(n, c, h, w); // out[:, :, i] = Σ_j v[:, :, j]·w[i, j]
        return x.add(projOut.forward(attended));
    }
}
