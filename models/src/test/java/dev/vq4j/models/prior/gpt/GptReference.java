package dev.vq4j.models.prior.gpt;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.models.testing.PythonReference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code gpt/make_reference.py} (PyTorch: taming's GPT and, for the checkpoint test, its VQGAN first
 * stage) run once per test JVM through {@link PythonReference}. Without PyTorch the calling test is
 * skipped, unless CI=true. Errors per element: |ours − torch| / max(|torch|, 1e-2·max|torch|).
 */
final class GptReference {
    private static final PythonReference REFERENCE = new PythonReference("GPT reference", "/gpt/make_reference.py",
            "/vqgan/make_reference.py=vqgan_reference.py", "/oracle/torch_oracle.py");

    private GptReference() {}

    static Path dir() {
        return REFERENCE.dir();
    }

    static Map<String, Tensor> load(String file) throws IOException {
        return REFERENCE.load(file);
    }

    static double relError(Tensor expected, Tensor actual) {
        return PythonReference.relError(expected, actual);
    }
}
