package dev.vq4j.core;

/**
 * The one thread pool every host kernel uses ({@link WorkerTeam}: the caller and spinning workers).
 * Work is split into contiguous ranges decided only by the item count and the thread count, and every
 * output element is computed by exactly one task, so results are bit-identical from run to run at the
 * same thread count.
 *
 * <p>Thread count: {@code -Dvq4j.threads=N}, else the {@code VQ4J_THREADS} environment variable,
 * else all available processors; {@link #setThreads} changes it at run time.
 */
public final class Parallel {
    /** Below this much work (in rough scalar operations) a kernel runs on the calling thread. */
    public static final long MIN_PARALLEL_WORK = 32_768;

    private static volatile WorkerTeam team = new WorkerTeam(defaultThreads());

    private Parallel() {}

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    static int defaultThreads() {
        String s = System.getProperty("vq4j.threads");
        if (s == null) s = System.getenv("VQ4J_THREADS");
        if (s != null && !s.isBlank()) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // fall through to the processor count; `vq4j info` shows what was picked
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    public static int threads() {
        return team.size();
    }

    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        if (n == threads()) return;
        WorkerTeam old = team;
        team = new WorkerTeam(n);
        old.shutdown();
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous ranges.
     * {@code workPerItem} is a rough cost per item; small jobs run inline.
     */
    public static void forRange(int n, long workPerItem, RangeBody body) {
        if (n <= 0) return;
        WorkerTeam t = team;
        int chunks = (int) Math.min(Math.min(t.size(), n), Math.max(1, (long) n * Math.max(workPerItem, 1) / MIN_PARALLEL_WORK));
        if (chunks <= 1 || WorkerTeam.onWorker()) {
            body.run(0, n);
            return;
        }
        t.run(n, chunks, body);
    }
}
