package dev.vq4j.models;

import dev.vq4j.autograd.GradMode;
import dev.vq4j.autograd.nn.Module;

import java.util.function.Supplier;

/**
 * The base of every tokenizer model: a {@link Module} that is its own {@link ImageTokenizer}, with
 * the closed state the contract asks for.
 */
public abstract class TokenizerModule extends Module implements ImageTokenizer {
    private volatile boolean closed;

    @Override
    public Module module() {
        return this;
    }

    @Override
    public void checkOpen() {
        if (closed) throw new IllegalStateException(modelType() + ": this tokenizer was closed");
    }

    /**
     * Runs inference as the contract defines it: open, eval mode (no k-means init, EMA updates or
     * restarts), no gradients; the previous mode is restored afterwards.
     */
    protected <T> T inference(Supplier<T> body) {
        checkOpen();
        boolean wasTraining = isTraining();
        eval();
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            return body.get();
        } finally {
            train(wasTraining);
        }
    }

    /** Marks the tokenizer closed; its tensors are left to the garbage collector (device buffers are freed with them). */
    @Override
    public void close() {
        closed = true;
    }
}
