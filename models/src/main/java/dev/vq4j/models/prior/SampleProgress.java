package dev.vq4j.models.prior;

/** Told how many tokens of the whole request are decided so far (for a progress bar with tokens/s). */
@FunctionalInterface
public interface SampleProgress {
    SampleProgress NONE = (done, total) -> {};

    void tokens(long done, long total);
}
