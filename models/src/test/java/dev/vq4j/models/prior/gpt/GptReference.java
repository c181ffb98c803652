package dev.vq4j.models.prior.gpt;

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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Runs {@code gpt/make_reference.py} (PyTorch) once per test JVM into a temporary directory and reads
 * its files. Without PyTorch the calling test is skipped, unless CI=true (as VqganParityTest).
 * Errors per element as OpCheck: |ours − torch| / max(|torch|, 1e-2·max|torch|).
 */
final class GptReference {
    private static Path dir;
    private static String failure;

    private GptReference() {}

    static synchronized Path dir() throws IOException, InterruptedException {
        if (dir == null && failure == null) generate();
        if (failure != null) {
            String message = "GPT reference (/usr/bin/python3 with torch) unavailable: " + failure;
            if (TorchOracle.required() || !failure.contains("No module named 'torch'") && !failure.contains("Cannot run program")) Assertions.fail(message);
            Assumptions.abort(message);
        }
        return dir;
    }

    private static void generate() throws IOException, InterruptedException {
        Path d = Files.createTempDirectory("vq4j-gpt");
        d.toFile().deleteOnExit();
        copy("/gpt/make_reference.py", d.resolve("make_reference.py"));
        copy("/vqgan/make_reference.py", d.resolve("vqgan_reference.py")); // the VQGAN first stage's architecture
        copy("/oracle/torch_oracle.py", d.resolve("torch_oracle.py"));
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        try {
            Process p = new ProcessBuilder(python, d.resolve("make_reference.py").toString(), d.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) p.destroyForcibly();
            if (p.exitValue() == 0) dir = d;
            else failure = out;
        } catch (IOException e) {
            failure = e.getMessage();
        }
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream s = GptReference.class.getResourceAsStream(resource)) {
            if (s == null) throw new IOException("test resource " + resource + " is missing");
            Files.copy(s, to);
        }
    }

    static Map<String, Tensor> load(String file) throws IOException, InterruptedException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : SafeTensors.read(dir().resolve(file)).entrySet()) out.put(e.getKey(), Tensor.fromData(e.getValue()));
        return out;
    }

    /** Max over elements of |a − e| / max(|e|, 1e-2·max|e|). */
    static double relError(Tensor expected, Tensor actual) {
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
