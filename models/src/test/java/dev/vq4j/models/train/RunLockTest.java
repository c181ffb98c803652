package dev.vq4j.models.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** One writer per run directory: a second process is refused by name; the lock is re-entrant in one JVM; stale partial saves go. */
class RunLockTest {
    /** A second JVM that takes the lock, says so, and holds it until its stdin closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunLock ignored = RunLock.acquire(Path.of(args[0]))) {
                System.out.println("locked");
                System.out.flush();
                System.in.read();
            }
        }
    }

    @Test
    void aSecondProcessIsRefusedUntilTheFirstEnds(@TempDir Path run) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), run.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            var e = assertThrows(IllegalStateException.class, () -> RunLock.acquire(run));
            assertTrue(e.getMessage().contains(run.toString()) && e.getMessage().contains("in use by another vq4j process"), e.getMessage());
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        try (RunLock free = RunLock.acquire(run)) {
            assertNotNull(free, "free again once the other process ended");
        }
    }

    @Test
    void reentrantInOneJvmAndRemovesStalePartialSaves(@TempDir Path run) throws Exception {
        Path stale = Files.createDirectories(run.resolve(Checkpoints.DIR).resolve(".tmp-step-00000010-123"));
        Files.writeString(stale.resolve(Checkpoints.MODEL), "half");
        Path kept = Files.createDirectories(run.resolve(Checkpoints.DIR).resolve("step-00000005"));
        try (RunLock outer = RunLock.acquire(run); RunLock inner = RunLock.acquire(run)) {
            assertFalse(Files.exists(stale), "a killed save's temporary directory is removed");
            assertTrue(Files.isDirectory(kept), "finished checkpoints stay");
        }
    }
}
