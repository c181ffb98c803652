package dev.vq4j.opencl;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A machine without a working OpenCL library stays quiet: JOCL, when its dlopen of libOpenCL fails,
 * prints "Could not load libOpenCL.so.1, error ..." from native code to the process's stdout, so the
 * backend probes for the library first ({@link OpenClLibrary}) and does not load JOCL without it. The
 * discovery runs in a child JVM, whose whole stdout and stderr are checked.
 */
class OpenClLibraryTest {
    private static boolean linux() {
        return System.getProperty("os.name", "").toLowerCase().contains("linux");
    }

    @Test
    void aMissingLibraryIsReportedInOneSentence() {
        Assumptions.assumeTrue(linux(), "the probe is for Linux");
        String why = OpenClLibrary.missingReason(List.of("libvq4j-no-such-opencl.so.1"), false);
        assertTrue(why != null && why.startsWith("the OpenCL library (libvq4j-no-such-opencl.so.1) is not installed;")
                && why.contains("pocl-opencl-icd") && why.lines().count() == 1, why);
    }

    @Test
    void aLibraryOnTheLoaderPathIsFound() {
        Assumptions.assumeTrue(linux() && Files.isRegularFile(Path.of("/etc/ld.so.cache")), "glibc Linux");
        assertNull(OpenClLibrary.missingReason(List.of("libc.so.6"), false));
    }

    /**
     * The library JOCL would load is there but does not load (empty files first on LD_LIBRARY_PATH, which
     * made JOCL print two "Could not load" lines before the probe): with native access, as ./vq4j runs,
     * the probe's own dlopen fails quietly and the reason is the only output.
     */
    @Test
    void anUnloadableLibraryPrintsNothing(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(linux(), "LD_LIBRARY_PATH is how the test hides the library");
        for (String name : OpenClLibrary.JOCL_LINUX_NAMES) Files.write(dir.resolve(name), new byte[0]);
        Output o = child(Map.of("LD_LIBRARY_PATH", dir.toString()), List.of("--enable-native-access=ALL-UNNAMED"), "all");
        assertEquals("", o.err, "stderr");
        assertTrue(o.out.startsWith("opencl: the OpenCL library does not load (" + dir.resolve("libOpenCL.so.1")), o.out);
        assertEquals(1, o.out.lines().count(), "stdout must hold only the reason:\n" + o.out);
    }

    /** Library missing, no native access (a library user's JVM): the file probe decides and JOCL is never loaded. */
    @Test
    void aMissingLibraryPrintsNothingWithoutNativeAccess() throws Exception {
        Assumptions.assumeTrue(linux(), "the probe is for Linux");
        Output o = child(Map.of(), List.of("-Dvq4j.opencl.library=libvq4j-no-such-opencl.so.1"), "opencl");
        assertEquals("", o.err, "stderr");
        assertEquals("opencl: the OpenCL library (libvq4j-no-such-opencl.so.1) is not installed; for OpenCL install an ICD loader"
                + " and a driver, e.g. apt-get install ocl-icd-libopencl1 pocl-opencl-icd", o.out.strip());
    }

    record Output(String out, String err) {}

    private static Output child(Map<String, String> env, List<String> jvmArgs, String arg) throws IOException, InterruptedException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of(QuietDiscoveryMain.class.getName(), arg));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // the JVM would announce it on stderr
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Path out = Files.createTempFile("vq4j-discovery", ".out"), err = Files.createTempFile("vq4j-discovery", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the discovery child did not finish in 60 s");
            }
            Output o = new Output(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            assertEquals(0, p.exitValue(), "child exit status; stderr:\n" + o.err);
            return o;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
