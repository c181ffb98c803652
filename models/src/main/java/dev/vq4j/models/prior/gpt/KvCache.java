package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.Tensor;

/**
 * Preallocated per-layer key and value buffers [batch, n_head, block_size, head_dim] for one
 * {@link Gpt}, as gpt-fast's {@code KVCache} ({@code setup_caches(max_batch, max_seq)}): generation
 * is {@link #prefill} (one pass over the prompt) then {@link #decodeStep} (one new row per layer: the
 * new token's query attends to every cached key). Inference only: no graph, the model in eval mode.
 * Not thread-safe; one cache per concurrent generation.
 */
public final class KvCache implements AutoCloseable {
    private final Gpt gpt;
    private final int batch;
    private final Tensor[] keys, values;
    private int length;

    KvCache(Gpt gpt, int batch) {
        if (batch < 1) throw new IllegalArgumentException("KV cache: batch must be >= 1, got " + batch);
        this.gpt = gpt;
        this.batch = batch;
        GptConfig c = gpt.config();
        keys = new Tensor[c.nLayer()];
        values = new Tensor[c.nLayer()];
        for (int i = 0; i < c.nLayer(); i++) {
            keys[i] = Tensor.zeros(batch, c.nHead(), c.blockSize(), c.headDim()).keep();
            values[i] = Tensor.zeros(batch, c.nHead(), c.blockSize(), c.headDim()).keep();
        }
    }

    /** Starts over with the prompt idx [batch, T]; returns its logits [batch, T, vocab] (every position). */
    public Tensor prefill(Tensor idx) {
        length = 0;
        return append(idx);
    }

    /** Appends tokens idx [batch, T] at the current length; returns their logits [batch, T, vocab]. */
    public Tensor append(Tensor idx) {
        if (gpt.isTraining()) throw new IllegalStateException("KV cache: the GPT is in training mode; call eval() before generating");
        if (idx.dim() != 2 || idx.size(0) != batch)
            throw new IllegalArgumentException("KV cache: expected tokens [" + batch + ", T], got " + idx.shapeString());
        if (length > 0 && length < gpt.config().nUnmasked())
            throw new IllegalStateException("KV cache: with n_unmasked " + gpt.config().nUnmasked() + " the prompt must cover the unmasked prefix"
                    + " (the first tokens see later ones), but only " + length + " position(s) were prefilled");
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            Tensor logits = gpt.forwardCached(idx, keys, values, length);
            length += idx.size(1);
            return logits;
        }
    }

    /** One token per sequence, tokens [batch]; returns the logits for the next position [batch, vocab]. */
    public Tensor decodeStep(Tensor tokens) {
        if (tokens.dim() != 1) throw new IllegalArgumentException("KV cache: decodeStep expects tokens [batch], got " + tokens.shapeString());
        return append(tokens.reshape(batch, 1)).select(1, 0);
    }

    /** Positions filled so far. */
    public int length() {
        return length;
    }

    public int batch() {
        return batch;
    }

    @Override
    public void close() {
        for (Tensor t : keys) t.close();
        for (Tensor t : values) t.close();
    }
}
