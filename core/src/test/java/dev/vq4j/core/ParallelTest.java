package dev.vq4j.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Range splitting covers every item once, depends only on size and thread count, and so gives bit-identical results. */
class ParallelTest {
    private int before;

    @BeforeEach
    void remember() {
        before = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(before);
    }

    /** Row sums in float (order-sensitive on purpose), each row by one task, as host kernels do. */
    private static float[] rowSums(float[] data, int rows, int cols) {
        float[] out = new float[rows];
        Parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                float s = 0;
                for (int c = 0; c < cols; c++) s += data[r * cols + c];
                out[r] = s;
            }
        });
        return out;
    }

    /** A total built from per-chunk partial sums: only reproducible if chunk bounds are fixed. */
    private static double chunkedTotal(float[] data) {
        int chunks = Parallel.threads();
        float[] partial = new float[chunks];
        Parallel.forRange(chunks, data.length / chunks + 1, (from, to) -> {
            for (int c = from; c < to; c++) {
                int lo = (int) ((long) data.length * c / chunks), hi = (int) ((long) data.length * (c + 1) / chunks);
                float s = 0;
                for (int i = lo; i < hi; i++) s += data[i];
                partial[c] = s;
            }
        });
        double t = 0;
        for (float p : partial) t += p;
        return t;
    }

    private static float[] data(int n) {
        Rng r = new Rng(99);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * Math.exp(4 * r.nextDouble()));
        return v;
    }

    @Test
    void repeatedRunsAreBitIdentical() {
        Parallel.setThreads(4);
        float[] d = data(512 * 1031);
        float[] first = rowSums(d, 512, 1031);
        double total = chunkedTotal(d);
        for (int run = 0; run < 20; run++) {
            assertArrayEquals(first, rowSums(d, 512, 1031), "run " + run);
            assertEquals(Double.doubleToRawLongBits(total), Double.doubleToRawLongBits(chunkedTotal(d)), "run " + run);
        }
    }

    @Test
    void everyItemExactlyOnceAcrossThreadCounts() {
        for (int threads : new int[] {1, 2, 3, 8}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {0, 1, 7, 1000, 100_003}) {
                AtomicInteger[] hits = new AtomicInteger[n];
                for (int i = 0; i < n; i++) hits[i] = new AtomicInteger();
                Parallel.forRange(n, 1_000, (from, to) -> {
                    assertTrue(from < to && from >= 0 && to <= n);
                    for (int i = from; i < to; i++) hits[i].incrementAndGet();
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits[i].get(), "threads " + threads + ", n " + n + ", item " + i);
            }
        }
    }

    @Test
    void setThreadsChangesThePoolAndWorkSpreads() {
        Parallel.setThreads(3);
        assertEquals(3, Parallel.threads());
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        AtomicInteger ranges = new AtomicInteger();
        Parallel.forRange(3, Parallel.MIN_PARALLEL_WORK, (from, to) -> {
            ranges.incrementAndGet();
            used.add(Thread.currentThread());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(3, ranges.get(), "one range per thread");
        assertTrue(used.size() >= 2, "ran on " + used.size() + " thread(s)");
        Parallel.setThreads(1);
        assertEquals(1, Parallel.threads());
        AtomicInteger single = new AtomicInteger();
        Parallel.forRange(1000, Parallel.MIN_PARALLEL_WORK, (from, to) -> single.incrementAndGet());
        assertEquals(1, single.get(), "one thread, one range");
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }

    @Test
    void smallJobsRunInline() {
        Parallel.setThreads(4);
        Thread caller = Thread.currentThread();
        Parallel.forRange(10, 1, (from, to) -> {
            assertEquals(0, from);
            assertEquals(10, to);
            assertSame(caller, Thread.currentThread());
        });
    }

    @Test
    void exceptionsReachTheCaller() {
        Parallel.setThreads(4);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(4, Parallel.MIN_PARALLEL_WORK, (from, to) -> {
            if (from >= 2) throw new IllegalStateException("boom in " + from);
        }));
        assertEquals("boom in 2", e.getMessage(), "the original exception, not a rewrapped copy");
    }

    @Test
    void nestedCallsDoNotDeadlock() {
        Parallel.setThreads(2);
        AtomicInteger n = new AtomicInteger();
        Parallel.forRange(4, Parallel.MIN_PARALLEL_WORK, (a, b) -> {
            for (int i = a; i < b; i++) Parallel.forRange(100, Parallel.MIN_PARALLEL_WORK, (c, d) -> n.addAndGet(d - c));
        });
        assertEquals(400, n.get());
    }

    /** Back-to-back jobs of different sizes (workers that wake late must not touch the next job), from two threads at once. */
    @Test
    void manyQuickJobsFromTwoThreadsEachCoverEveryItemOnce() throws Exception {
        Parallel.setThreads(3);
        Runnable caller = () -> {
            Rng r = new Rng(Thread.currentThread().getName().hashCode());
            for (int job = 0; job < 5_000; job++) {
                int n = 1 + (int) r.nextLong(200);
                int[] hits = new int[n];
                Parallel.forRange(n, Parallel.MIN_PARALLEL_WORK, (from, to) -> {
                    for (int i = from; i < to; i++) hits[i]++;
                });
                for (int i = 0; i < n; i++) if (hits[i] != 1) throw new AssertionError("job " + job + ", n " + n + ": item " + i + " ran " + hits[i] + " times");
            }
        };
        Throwable[] failed = new Throwable[1];
        Thread other = new Thread(() -> {
            try {
                caller.run();
            } catch (Throwable t) {
                failed[0] = t;
            }
        }, "second-caller");
        other.start();
        caller.run();
        other.join();
        assertNull(failed[0], () -> "second caller: " + failed[0]);
    }

    @Test
    void replacedWorkersExit() throws Exception {
        Parallel.setThreads(4);
        Parallel.forRange(4, Parallel.MIN_PARALLEL_WORK, (a, b) -> {});
        Parallel.setThreads(1);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (workerThreads() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(0, workerThreads(), "workers of the replaced team still alive");
    }

    private static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("vq4j-worker-")).count();
    }
}
