package dev.vq4j.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Parallel}'s threads: the caller plus {@code size - 1} daemon workers that run the chunks of
 * one job at a time. A job's chunks are fixed before it starts (item ranges decided by n and the
 * chunk count only); whoever is free takes the next chunk, the caller included, so a job never
 * waits on a worker that is slow to wake, and its result does not depend on who ran what.
 *
 * <p>Why not a ForkJoinPool: a batch-1 decoding step is a few hundred small kernels of 20–80 µs
 * each, and waking a parked pool thread costs tens of microseconds, so two threads were slower than
 * one. Workers here spin for {@link #SPIN_NANOS} after a job before they park (as OpenMP runtimes do,
 * e.g. GOMP_SPINCOUNT), so back-to-back kernels find them awake.
 */
final class WorkerTeam {
    /** How long an idle worker polls for the next job before it parks. */
    static final long SPIN_NANOS = 200_000;

    private final int size;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean stopped;
    /** The job running, else {@link #IDLE} (so a finished job's arrays are not kept alive); a worker that wakes late finds its chunks all taken. */
    private volatile Job current = IDLE;
    private static final Job IDLE = new Job(null, 0, 0);

    WorkerTeam(int size) {
        this.size = size;
        workers = new Worker[size - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    int size() {
        return size;
    }

    /** Whether the current thread is one of this team's workers (a nested call then runs inline). */
    static boolean onWorker() {
        return Thread.currentThread() instanceof Worker;
    }

    /**
     * Runs chunks {@code c = 0 .. chunks-1} of {@code [0, n)}, chunk c being
     * {@code [n·c/chunks, n·(c+1)/chunks)}. When another job holds the team (a second calling thread,
     * or a call from inside a chunk on the caller), the chunks run one after another on this thread.
     */
    void run(int n, int chunks, Parallel.RangeBody body) {
        Job job = new Job(body, n, chunks);
        if (stopped || !busy.compareAndSet(false, true)) {
            for (int c = 0; c < chunks; c++) job.runChunk(c);
        } else {
            try {
                current = job; // volatile write: publishes the job
                for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
                job.work();
                while (job.unfinished.get() > 0) Thread.onSpinWait();
            } finally {
                current = IDLE;
                busy.set(false);
            }
        }
        for (Throwable f : job.failures) { // the lowest chunk's failure, whatever the timing
            if (f instanceof RuntimeException e) throw e;
            if (f instanceof Error e) throw e;
        }
    }

    /** One call's chunks, with its own counters, so a worker holding an old job cannot touch a new one. */
    private static final class Job {
        final Parallel.RangeBody body;
        final int items, chunks;
        final Throwable[] failures;
        final AtomicInteger nextChunk = new AtomicInteger(), unfinished;

        Job(Parallel.RangeBody body, int items, int chunks) {
            this.body = body;
            this.items = items;
            this.chunks = chunks;
            failures = new Throwable[chunks];
            unfinished = new AtomicInteger(chunks);
        }

        /** Takes chunks until none is left. */
        void work() {
            for (int c; (c = nextChunk.getAndIncrement()) < chunks; ) {
                runChunk(c);
                unfinished.decrementAndGet(); // volatile: the chunk's writes happen-before the caller's return
            }
        }

        void runChunk(int c) {
            int from = (int) ((long) items * c / chunks), to = (int) ((long) items * (c + 1) / chunks);
            try {
                body.run(from, to);
            } catch (RuntimeException | Error e) {
                failures[c] = e; // each chunk keeps its own failure, so the caller gets the original exception
            }
        }
    }

    /** Lets the workers finish what they hold and exit. */
    void shutdown() {
        stopped = true;
        for (Worker w : workers) LockSupport.unpark(w);
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        Worker(int index) {
            super("vq4j-worker-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            Job done = null;
            while (!stopped) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                Job job;
                while ((job = current) == done && !stopped) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                        continue;
                    }
                    parked = true; // then re-check, so a publish between the check and park() is not missed
                    if (current == done && !stopped) LockSupport.park(this);
                    parked = false;
                }
                if (stopped) return;
                job.work();
                done = job;
            }
        }
    }
}
