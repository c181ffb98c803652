package dev.vq4j.cli;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;
import dev.vq4j.core.Kernel;
import dev.vq4j.kernels.cpu.CpuBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code vq4j info}: each available backend's native and fallback kernels, and an unavailable backend in one line. */
class InfoCommandTest {
    @Test
    void kernelLinesFollowSupports() {
        Backend cpu = Backends.get(Device.CPU), ref = Backends.get(Device.REFERENCE);
        int all = Kernel.values().length, vector = CpuBackend.VECTOR_KERNELS.size();
        List<String> lines = InfoCommand.kernelLines(cpu);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("native    " + vector + " of " + all + " kernels: unary, binary, reduce, matmul, conv2d,"), lines.get(0));
        assertTrue(lines.get(1).startsWith("fallback  " + (all - vector) + " kernels run on the reference loops"), lines.get(1));
        for (Kernel k : Kernel.values())
            assertTrue(lines.get(cpu.supports(k) ? 0 : 1).matches(".*[: ]" + k.id() + "(,.*|$)"), k.id() + " on the wrong line");
        assertEquals(List.of("native    all " + all + " kernels"), InfoCommand.kernelLines(ref));
    }

    @Test
    void infoPrintsTheKernelLinesUnderEachAvailableBackend() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        InfoCommand.print(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("  reference  available\n    reference:0\n    native    all " + Kernel.values().length + " kernels\n"), s);
        assertTrue(s.contains("  cpu        available\n    cpu:0\n    native    " + CpuBackend.VECTOR_KERNELS.size() + " of "), s);
    }

    /**
     * The machine's OpenCL library does not load (empty files first on LD_LIBRARY_PATH): {@code vq4j info}, run
     * as ./vq4j runs it, says so in its one opencl line, and nothing else (before the probe, JOCL's native code
     * ended the output with "Could not load libOpenCL.so.1, error ..." lines).
     */
    @Test
    void withoutAnOpenClLibraryInfoSaysSoInOneLineAndNothingElse(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"), "LD_LIBRARY_PATH hides the library");
        for (String name : List.of("libOpenCL.so.1", "libOpenCL.so")) Files.write(dir.resolve(name), new byte[0]);
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-cp", cp, Main.class.getName(), "info"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LD_LIBRARY_PATH", dir.toString());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Path outFile = dir.resolve("out.txt"), errFile = dir.resolve("err.txt");
        Process p = pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "vq4j info did not finish");
        String out = Files.readString(outFile), err = Files.readString(errFile);
        assertEquals(0, p.exitValue(), err);
        List<String> opencl = out.lines().filter(l -> l.toLowerCase().contains("opencl")).toList();
        assertEquals(1, opencl.size(), out);
        assertTrue(opencl.getFirst().startsWith("  opencl     unavailable: the OpenCL library does not load ("), opencl.getFirst());
        assertFalse(out.contains("Could not load") || err.contains("Could not load"), out + err);
        assertEquals(List.of("WARNING: Using incubator modules: jdk.incubator.vector"), err.lines().toList(), "stderr");
        assertTrue(out.strip().endsWith("(what --device auto picks; every command runs on --device, default cpu)"), out);
    }
}
