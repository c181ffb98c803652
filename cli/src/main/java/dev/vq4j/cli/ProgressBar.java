package dev.vq4j.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for long work: {@code [#######.......] 140/300  loss 0.532  18.4 it/s  ETA 0:09}.
 * On a terminal the line redraws in place; when output goes to a file or a pipe it prints a plain
 * line at every tenth of the work instead, so logs stay readable.
 */
final class ProgressBar {
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final int total;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private int lastDecile = -1;

    ProgressBar(PrintStream out, int total, boolean interactive) {
        if (total < 1) throw new IllegalArgumentException("progress bar needs a positive total, got " + total);
        this.out = out;
        this.total = total;
        this.interactive = interactive;
    }

    /** For the process's own stdout: interactive when a console is attached. */
    static ProgressBar forStdout(PrintStream out, int total) {
        return new ProgressBar(out, total, out == System.out && System.console() != null);
    }

    /** Reports that {@code done} of the total are finished; {@code status} follows the counters. */
    void update(int done, String status) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        String eta = done >= total ? "done" : "ETA " + clock((total - done) / Math.max(rate, 1e-9));
        int filled = (int) Math.max(0, Math.min(WIDTH, (long) WIDTH * done / total));
        String line = String.format(Locale.ROOT, "[%s%s] %d/%d  %s  %.1f it/s  %s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, status, rate, eta);
        if (interactive) {
            out.print("\r" + line + (done >= total ? "\n" : ""));
            out.flush();
        } else {
            int decile = (int) (10L * done / total);
            if (decile != lastDecile) {
                lastDecile = decile;
                out.println(line);
            }
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
