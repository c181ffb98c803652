package dev.vq4j.cuda;

import dev.vq4j.core.BackendProvider;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Device discovery and the reasons the backend gives when it cannot run. No GPU needed. */
class CudaDevicesTest {
    /** Without a usable GPU the reason is one sentence naming the missing piece; with one it is null. */
    @Test
    void unavailableReasonIsOneClearSentence() {
        String why = CudaDevices.unavailableReason();
        if (why == null) {
            assertFalse(CudaDevices.list().isEmpty());
            Assumptions.abort("a CUDA device is present: " + CudaDevices.list().getFirst().describe());
        }
        System.out.println("CudaDevicesTest: cuda is unavailable here: " + why);
        assertFalse(why.isBlank());
        assertFalse(why.contains("\n"), "one line: " + why);
        assertTrue(why.length() < 400, why);
        if (CudaPtx.present().isEmpty()) assertTrue(why.startsWith("built without nvcc: no PTX in the jar"), why);
        assertTrue(why.contains("libcuda.so.1") || why.contains("no GPU") || why.contains("no device") || why.contains("driver")
                || why.contains("compute capability") || why.contains("JCuda") || why.contains("no PTX"), why);
    }

    /** This machine's case when the driver is absent: JCuda's native library cannot find libcuda.so.1. */
    @Test
    void missingDriverIsNamed() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("""
                Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
                Stack trace from the attempt to load the library as a resource:
                java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No such file or directory""");
        assertEquals("the NVIDIA driver's libcuda.so.1 is not installed on this machine, so JCuda cannot load "
                + "(libcuda.so.1: cannot open shared object file: No such file or directory)", CudaDevices.nativeLoadReason(e));
        String other = CudaDevices.nativeLoadReason(new UnsatisfiedLinkError("no JCudaDriver-12.6.0-linux-aarch64 in java.library.path\nmore"));
        assertTrue(other.startsWith("JCuda's native driver library could not be loaded (no JCudaDriver-12.6.0-linux-aarch64 in java.library.path)"), other);
    }

    /** The provider is found by ServiceLoader as type cuda, priority 30, and asking for the device names the reason. */
    @Test
    void providerIsRegistered() {
        BackendProvider cuda = Backends.providers().stream().filter(p -> p.type().equals("cuda")).findFirst().orElseThrow();
        assertEquals(30, cuda.priority());
        assertEquals(CudaDevices.unavailableReason(), cuda.unavailableReason());
        String why = cuda.unavailableReason();
        if (why == null) Assumptions.abort("a CUDA device is present");
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> Backends.get(new Device("cuda", 0)));
        assertEquals("device cuda:0 is not available: " + why, e.getMessage());
    }
}
