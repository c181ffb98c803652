package dev.vq4j.core.io.torch;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script with PyTorch (Debian's python3-torch) to write fixture checkpoints. Without it the
 * calling test is skipped, unless CI=true (or -Dvq4j.requireOracle=true), where that is a failure
 * (the same rule as autograd's TorchOracle, which core cannot depend on).
 */
final class TorchPython {
    private TorchPython() {}

    static boolean required() {
        return "true".equalsIgnoreCase(System.getProperty("vq4j.requireOracle")) || "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static String python() {
        String p = System.getProperty("vq4j.python");
        if (p == null) p = System.getenv("VQ4J_PYTHON");
        if (p == null) p = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        return p;
    }

    /** Runs {@code script} with {@code dir} as its argument; skips (or fails under CI) when Python or torch is missing. */
    static void run(String script, Path dir) {
        String why;
        try {
            Path file = dir.resolve("fixture.py");
            Files.writeString(file, script);
            Path log = dir.resolve("python.log");
            Process p = new ProcessBuilder(python(), file.toString(), dir.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("python timed out");
            }
            String out = Files.readString(log);
            if (p.exitValue() == 0) return;
            if (!out.contains("No module named 'torch'")) Assertions.fail("fixture script failed:\n" + out);
            why = out;
        } catch (IOException | InterruptedException e) {
            why = e.getMessage();
        }
        String message = "PyTorch unavailable (" + python() + " with torch; on Debian: apt-get install python3-torch): " + why;
        if (required()) Assertions.fail(message);
        Assumptions.abort(message);
    }
}
