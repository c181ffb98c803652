package dev.vq4j.models.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * One writer per run directory: an OS lock on {@code <run>/.lock}, held while a run writes its log and
 * checkpoints, so a second {@code vq4j train} (or a second {@code --resume}) on the same directory is
 * refused instead of interleaving its log and checkpoints with the first's. Re-entrant within one JVM
 * (the command takes it before writing config.json, the trainer again for its loop). Taking it also
 * removes the {@code checkpoints/.tmp-*} directories a killed save left behind: nobody else can be
 * writing them.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";
    private static final Map<Path, Held> HELD = new HashMap<>();

    private record Held(FileChannel channel, FileLock lock, int count) {}

    private final Path key;
    private boolean closed;

    private RunLock(Path key) {
        this.key = key;
    }

    /** Locks the run directory (creating it), or fails with a message naming it when another process holds it. */
    public static RunLock acquire(Path runDir) {
        Path key = runDir.toAbsolutePath().normalize();
        synchronized (HELD) {
            Held held = HELD.get(key);
            if (held != null) {
                HELD.put(key, new Held(held.channel(), held.lock(), held.count() + 1));
                return new RunLock(key);
            }
            try {
                Files.createDirectories(key);
                FileChannel ch = FileChannel.open(key.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                if (lock == null) {
                    ch.close();
                    throw new IllegalStateException("run directory " + runDir + " is in use by another vq4j process (it holds " + FILE
                            + "); wait for that run to end, or choose another --out");
                }
                HELD.put(key, new Held(ch, lock, 1));
                removeStaleSaves(key);
                return new RunLock(key);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock run directory " + runDir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Half-written checkpoints of a killed save ({@code checkpoints/.tmp-*}). */
    private static void removeStaleSaves(Path runDir) throws IOException {
        Path dir = runDir.resolve(Checkpoints.DIR);
        if (!Files.isDirectory(dir)) return;
        try (var entries = Files.list(dir)) {
            for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) Checkpoints.deleteTree(p);
        }
    }

    @Override
    public void close() {
        synchronized (HELD) {
            if (closed) return;
            closed = true;
            Held held = HELD.get(key);
            if (held == null) return;
            if (held.count() > 1) {
                HELD.put(key, new Held(held.channel(), held.lock(), held.count() - 1));
                return;
            }
            HELD.remove(key);
            try {
                held.lock().release();
                held.channel().close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unlock run directory " + key + ": " + e.getMessage(), e);
            }
        }
    }
}
