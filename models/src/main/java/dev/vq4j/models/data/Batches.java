package dev.vq4j.models.data;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

import java.util.Arrays;

/**
 * Index batches over a dataset, epoch after epoch, like PyTorch's DataLoader with a sampler: each
 * epoch is a permutation of 0..n-1 (drawn from the Rng when shuffling, else in order) cut into
 * batches of {@code batchSize}; the last short batch is dropped when asked. Everything is
 * deterministic from the Rng, and {@link #state()}/{@link #restore} resume mid-epoch exactly.
 */
public final class Batches {
    /**
     * Where the stream stands: the epoch number, how many indices of its permutation have been
     * handed out, and the Rng state from just before that epoch's permutation was drawn.
     */
    public record State(long epoch, long position, long[] epochRng) {
        public State {
            epochRng = epochRng.clone();
        }

        /** {epoch, position, rng0, rng1}: fits in a checkpoint as one int64 tensor. */
        public long[] toLongs() {
            return new long[] {epoch, position, epochRng[0], epochRng[1]};
        }

        public static State fromLongs(long[] s) {
            if (s.length != 4) throw new IllegalArgumentException("Batches.State: expected 4 longs {epoch, position, rng0, rng1}, got " + s.length);
            return new State(s[0], s[1], new long[] {s[2], s[3]});
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && s.epoch == epoch && s.position == position && Arrays.equals(s.epochRng, epochRng);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(toLongs());
        }

        @Override
        public String toString() {
            return "Batches.State" + Arrays.toString(toLongs());
        }
    }

    private final ImageDataset dataset;
    private final int batchSize;
    private final boolean shuffle, dropLast;
    private Rng rng;
    private long[] epochRng;
    private int[] order;
    private long epoch;
    private int position;

    /** Uses {@code rng.split()}, so the caller's generator advances by a fixed amount and stays independent. */
    public Batches(ImageDataset dataset, int batchSize, boolean shuffle, Rng rng, boolean dropLast) {
        if (batchSize < 1) throw new IllegalArgumentException("Batches: batch size must be positive, got " + batchSize);
        if (dataset.size() < 1) throw new IllegalArgumentException("Batches: dataset is empty: " + dataset.describe());
        if (dropLast && batchSize > dataset.size())
            throw new IllegalArgumentException("Batches: batch size " + batchSize + " > dataset size " + dataset.size()
                    + " with dropLast: every batch would be dropped");
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.rng = rng.split();
        startEpoch(0);
    }

    private void startEpoch(long e) {
        epoch = e;
        position = 0;
        epochRng = rng.state();
        int n = dataset.size();
        order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (shuffle) // Fisher-Yates
            for (int i = n - 1; i > 0; i--) {
                int j = (int) rng.nextLong(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
    }

    /** Batches per epoch. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The epoch the next batch comes from (0-based). */
    public long epoch() {
        if (exhausted()) return epoch + 1;
        return epoch;
    }

    private boolean exhausted() {
        int left = order.length - position;
        return left == 0 || (dropLast && left < batchSize);
    }

    /** The next batch of indices, moving on to a new epoch when this one is used up. */
    public int[] next() {
        if (exhausted()) startEpoch(epoch + 1);
        int end = Math.min(order.length, position + batchSize);
        int[] out = Arrays.copyOfRange(order, position, end);
        position = end;
        return out;
    }

    /** The next batch of images, {@code dataset.batch(next())}. */
    public Tensor nextImages() {
        return dataset.batch(next());
    }

    /** The batches of one whole epoch from the current position on (the rest of this epoch if mid-way). */
    public int[][] restOfEpoch() {
        if (exhausted()) startEpoch(epoch + 1);
        int count = dropLast ? (order.length - position) / batchSize : (order.length - position + batchSize - 1) / batchSize;
        int[][] out = new int[count][];
        for (int i = 0; i < count; i++) out[i] = next();
        return out;
    }

    public State state() {
        return new State(epoch, position, epochRng);
    }

    /** Continues exactly where {@code s} was taken (for the same dataset size, batch size and flags). */
    public void restore(State s) {
        if (s.position() < 0 || s.position() > dataset.size())
            throw new IllegalArgumentException("Batches.restore: position " + s.position() + " outside dataset of " + dataset.size());
        rng = Rng.restore(s.epochRng());
        startEpoch(s.epoch());
        position = (int) s.position();
    }
}
