package dev.vq4j.autograd.nn;

import dev.vq4j.autograd.Indexing;
import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

/** A lookup table, as torch.nn.Embedding: weight [num, dim] drawn from N(0, 1); input int64 indices of any shape. */
public class Embedding extends Module {
    private final int numEmbeddings, embeddingDim;
    private final Tensor weight;

    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, Init.globalRng());
    }

    public Embedding(int numEmbeddings, int embeddingDim, Rng rng) {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new IllegalArgumentException("Embedding: sizes must be positive, got " + numEmbeddings + " x " + embeddingDim);
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.weight = registerParameter("weight", Tensor.zeros(numEmbeddings, embeddingDim));
        Init.normal(weight, 0, 1, rng);
    }

    /** indices [...] (int64 or int32) -> [..., embeddingDim]. */
    @Override
    public Tensor forward(Tensor indices) {
        return Indexing.embedding(weight, indices);
    }

    public Tensor weight() { return weight; }
    public int numEmbeddings() { return numEmbeddings; }
    public int embeddingDim() { return embeddingDim; }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim;
    }
}
