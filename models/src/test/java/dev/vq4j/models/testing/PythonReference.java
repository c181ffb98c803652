package dev.vq4j.models.testing;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.autograd.oracle.TorchOracle;
import dev.vq4j.core.io.SafeTensors;
import dev.vq4j.core.io.TensorData;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A PyTorch reference script of a model test: copied with its helper resources into a temporary
 * directory and run once (on first use) by /usr/bin/python3 with the directory as its argument; the
 * safetensors files it writes are read back as tensors. Without PyTorch the calling test is skipped,
 * unless CI=true; any other failure of the script fails the test with its output.
 */
public final class PythonReference {
    private final String name;
    private final String[] resources;
    private Path dir;
    private String failure;

    /**
     * @param name      what the message calls it ("GPT reference")
     * @param resources the script first, then helpers; each "/resource/path" or "/resource/path=file-name"
     */
    public PythonReference(String name, String... resources) {
        this.name = name;
        this.resources = resources.clone();
    }

    /** The directory with the script's outputs; generated on the first call. */
    public synchronized Path dir() {
        if (dir == null && failure == null) generate();
        if (failure != null) {
            String message = name + " (/usr/bin/python3 with torch) unavailable: " + failure;
            if (TorchOracle.required() || !failure.contains("No module named 'torch'") && !failure.contains("Cannot run program")) Assertions.fail(message);
            Assumptions.abort(message);
        }
        return dir;
    }

    private void generate() {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        try {
            Path d = Files.createTempDirectory("vq4j-reference");
            Path script = null;
            for (String r : resources) {
                int eq = r.indexOf('=');
                String resource = eq < 0 ? r : r.substring(0, eq);
                Path to = d.resolve(eq < 0 ? Path.of(resource).getFileName().toString() : r.substring(eq + 1));
                try (InputStream s = PythonReference.class.getResourceAsStream(resource)) {
                    if (s == null) throw new IOException("test resource " + resource + " is missing");
                    Files.copy(s, to);
                }
                if (script == null) script = to;
            }
            Process p = new ProcessBuilder(python, script.toString(), d.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) p.destroyForcibly();
            if (p.exitValue() == 0) dir = d;
            else failure = out;
        } catch (IOException e) {
            failure = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        }
    }

    /** The tensors of one of the script's safetensors files, by name. */
    public Map<String, Tensor> load(String file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : SafeTensors.read(dir().resolve(file)).entrySet()) out.put(e.getKey(), Tensor.fromData(e.getValue()));
        return out;
    }

    /** Deletes the directory (after the test class). */
    public synchronized void delete() throws IOException {
        if (dir == null) return;
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
        dir = null;
    }

    /** Max over elements of |a − e| / max(|e|, 1e-2·max|e|), the error every parity test states (NaN counts as infinite). */
    public static double relError(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        float[] e = expected.contiguous().toFloatArray(), a = actual.contiguous().toFloatArray();
        double maxAbs = 0;
        for (float v : e) maxAbs = Math.max(maxAbs, Math.abs(v));
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs((double) a[i] - e[i]) / Math.max(Math.abs(e[i]), 1e-2 * maxAbs);
            if (!(err <= worst)) worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
        }
        return worst;
    }
}
