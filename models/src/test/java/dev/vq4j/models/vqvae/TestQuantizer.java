package dev.vq4j.models.vqvae;

import dev.vq4j.autograd.Losses;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.nn.Init;
import dev.vq4j.models.quant.Quantizer;

/**
 * A test-local nearest-code quantiser (straight-through, paper loss) so model and trainer tests do
 * not depend on the real quantisers. {@link #poisonAtCall} makes the loss NaN from a given call on.
 */
public final class TestQuantizer extends Quantizer {
    private final Tensor codebook;
    private final int size, dim;
    private final float beta;
    private int calls;
    public int poisonAtCall = Integer.MAX_VALUE;

    public TestQuantizer(int size, int dim, float beta) {
        this.size = size;
        this.dim = dim;
        this.beta = beta;
        codebook = registerParameter("embedding", Tensor.zeros(size, dim));
        Init.uniform(codebook, -1.0 / size, 1.0 / size, Init.globalRng());
    }

    @Override
    public Output quantize(Tensor z) {
        int n = z.size(0), h = z.size(2), w = z.size(3);
        Tensor flat = z.permute(0, 2, 3, 1).reshape(n * h * w, dim);
        Tensor dist = flat.square().sum(1, true).sub(flat.matmul(codebook.t()).mul(2f)).add(codebook.square().sum(1, false).reshape(1, size));
        Tensor idx = dist.argmin(1, false);
        Tensor q = codebook.indexSelect(0, idx);
        Tensor loss = Losses.mse(q, flat.detach(), Losses.Reduction.MEAN).add(Losses.mse(q.detach(), flat, Losses.Reduction.MEAN).mul(beta));
        if (++calls >= poisonAtCall) loss = loss.mul(Float.NaN);
        Tensor st = flat.add(q.sub(flat).detach());
        return new Output(st.reshape(n, h, w, dim).permute(0, 3, 1, 2), loss, idx.reshape(n, h, w));
    }

    @Override
    public Tensor decode(Tensor indices) {
        int n = indices.size(0), h = indices.size(1), w = indices.size(2);
        return codebook.indexSelect(0, indices.reshape(n * h * w)).reshape(n, h, w, dim).permute(0, 3, 1, 2);
    }

    @Override
    public int codebookSize() {
        return size;
    }

    @Override
    public int dim() {
        return dim;
    }
}
