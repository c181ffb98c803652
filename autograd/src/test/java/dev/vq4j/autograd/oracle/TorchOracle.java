package dev.vq4j.autograd.oracle;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.io.Json;
import dev.vq4j.core.io.SafeTensors;
import dev.vq4j.core.io.TensorData;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs ops in PyTorch for comparison: one Python process (Debian's python3-torch) per test class,
 * tensors exchanged as safetensors files. Use with {@link OpCheck}:
 *
 * <pre>{@code
 * static TorchOracle torch;
 * @BeforeAll static void start() { torch = TorchOracle.start(); }
 * @AfterAll static void stop() { TorchOracle.stop(torch); }   // null-safe: start() may have skipped the class
 * @Test void add() { torch.check("add").python("x0 + x1").java(x -> x[0].add(x[1]))
 *                        .inputs(Input.randn(3, 4), Input.randn(4)).run(); }
 * }</pre>
 *
 * Without PyTorch the test is skipped with the reason, unless CI=true (or -Dvq4j.requireOracle=true),
 * where a missing oracle is a failure.
 */
public final class TorchOracle implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path dir;
    private final String torchVersion;
    private int requests;
    private boolean closed;

    private TorchOracle(Process process, Path dir) throws IOException {
        this.process = process;
        this.dir = dir;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        String ready = out.readLine();
        if (ready == null || !ready.contains("\"ready\"")) {
            process.destroyForcibly();
            throw new IOException("the oracle did not start: " + (ready == null ? "" : ready) + stderr());
        }
        Object v = ((Map<?, ?>) Json.parse(ready)).get("torch");
        this.torchVersion = String.valueOf(v);
    }

    public static boolean required() {
        return "true".equalsIgnoreCase(System.getProperty("vq4j.requireOracle")) || "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static String python() {
        String p = System.getProperty("vq4j.python");
        if (p == null) p = System.getenv("VQ4J_PYTHON");
        if (p == null) p = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        return p;
    }

    /** Starts the oracle, or skips the calling test class (fails it under CI) when PyTorch is missing. */
    public static TorchOracle start() {
        String why;
        try {
            Path dir = Files.createTempDirectory("vq4j-oracle");
            Path script = dir.resolve("torch_oracle.py");
            try (InputStream s = TorchOracle.class.getResourceAsStream("/oracle/torch_oracle.py")) {
                if (s == null) throw new IOException("oracle/torch_oracle.py is not on the test class path");
                Files.copy(s, script);
            }
            // stderr goes to a file: an undrained pipe would block Python once warnings fill it
            Process p = new ProcessBuilder(python(), script.toString()).redirectError(dir.resolve("stderr.txt").toFile()).start();
            return new TorchOracle(p, dir);
        } catch (IOException e) {
            why = e.getMessage();
        }
        String message = "PyTorch oracle unavailable (" + python() + " with torch; on Debian: apt-get install python3-torch): " + why;
        if (required()) Assertions.fail(message);
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** What Python wrote to stderr so far (for error messages). */
    private String stderr() {
        try {
            return Files.readString(dir.resolve("stderr.txt"));
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }

    public String torchVersion() {
        return torchVersion;
    }

    /** Starts describing one comparison. */
    public OpCheck check(String name) {
        return new OpCheck(this, name);
    }

    /** Evaluates {@code expr} over x0..xn in PyTorch; returns "out" and "grad<i>" for the inputs in {@code gradOf}. */
    Map<String, TensorData> evaluate(String expr, List<Tensor> inputs, Tensor upstream, List<Integer> gradOf) throws IOException {
        if (closed) throw new IllegalStateException("the PyTorch oracle was already closed");
        int id = requests++;
        Path inFile = dir.resolve("in" + id + ".safetensors"), outFile = dir.resolve("out" + id + ".safetensors");
        Map<String, TensorData> data = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) data.put("x" + i, inputs.get(i).toData());
        if (upstream != null) data.put("g", upstream.toData());
        SafeTensors.write(inFile, data);
        List<String> grads = new ArrayList<>();
        for (int i : gradOf) grads.add(Integer.toString(i));
        String request = "{\"inputs\":" + Json.quote(inFile.toString()) + ",\"output\":" + Json.quote(outFile.toString())
                + ",\"count\":" + inputs.size() + ",\"expr\":" + Json.quote(expr) + ",\"grad\":[" + String.join(",", grads) + "]}\n";
        in.write(request);
        in.flush();
        String line = out.readLine();
        if (line == null) throw new IOException("the oracle exited: " + stderr());
        Map<?, ?> answer = (Map<?, ?>) Json.parse(line);
        if (!Boolean.TRUE.equals(answer.get("ok")))
            throw new IOException("PyTorch failed on `" + expr + "`: " + answer.get("error") + "\n" + answer.get("trace"));
        Map<String, TensorData> result = SafeTensors.read(outFile);
        Files.deleteIfExists(inFile);
        Files.deleteIfExists(outFile);
        return result;
    }

    /**
     * Closes an oracle started by {@link #start()}; does nothing for null, so an {@code @AfterAll}
     * stays quiet when {@code start()} skipped the class and left the field unset.
     */
    public static void stop(TorchOracle oracle) {
        if (oracle != null) oracle.close();
    }

    /** Stops the Python process and removes the exchange directory. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
    }
}
