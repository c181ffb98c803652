package dev.vq4j.cuda;

import dev.vq4j.kernels.device.KernelSources;
import dev.vq4j.kernels.device.Strided;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The PTX nvcc built from the shared kernel sources: present when nvcc was, complete, and read right. No GPU needed. */
class CudaPtxTest {
    /** vq4j.cu includes the dialect, common.h and every file of KernelSources.FILES, in that order. */
    @Test
    void vq4jCuIncludesEveryKernelFile() throws IOException {
        Path file = Path.of("src/main/cuda/vq4j.cu");  // from the module, as surefire runs
        if (!Files.exists(file)) file = Path.of("kernels/cuda/src/main/cuda/vq4j.cu");  // from the project root
        if (!Files.exists(file)) Assumptions.abort("vq4j.cu is not reachable from " + Path.of("").toAbsolutePath());
        String cu = Files.readString(file);
        List<String> included = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^#include \"([^\"]+)\"").matcher(cu);
        while (m.find()) included.add(m.group(1));
        List<String> expected = new ArrayList<>(List.of("dialect_cuda.h", "common.h"));
        expected.addAll(KernelSources.FILES);
        assertEquals(expected, included, "src/main/cuda/vq4j.cu must include the dialect, common.h and KernelSources.FILES in order");
    }

    /** With nvcc on PATH the build must have put both PTX targets on the class path (target/classes, which the jar packs). */
    @Test
    void ptxIsBuiltWhenNvccIsOnPath() {
        if (!CudaTesting.nvccOnPath()) Assumptions.abort("nvcc is not on PATH: this build carries no PTX (checked by noPtxMeansUnavailable)");
        assertEquals(CudaPtx.TARGETS, CudaPtx.present(), "nvcc is on PATH but build-ptx.sh left no PTX");
        for (CudaPtx.Target t : CudaPtx.TARGETS) {
            String ptx = CudaPtx.text(t);
            assertTrue(ptx.contains(".target sm_" + t.computeCapability()), t.resource() + " targets sm_" + t.computeCapability());
        }
    }

    @Test
    void noPtxMeansUnavailable() {
        if (!CudaPtx.present().isEmpty()) Assumptions.abort("this build has PTX");
        String why = CudaDevices.unavailableReason();
        assertNotNull(why);
        assertTrue(why.startsWith("built without nvcc: no PTX in the jar"), why);
    }

    /**
     * Every kernel the shared sources define (plainly, {@code KERNEL void name(}, or through a macro
     * whose first parameter names the kernel) is an entry of both PTX targets, and both targets
     * have the same entries with the same parameters.
     */
    @Test
    void everyKernelOfTheSourcesIsInBothPtxTargets() {
        Map<String, List<CudaPtx.Param>> newest = CudaPtx.entries(CudaTesting.ptx(CudaPtx.TARGETS.getFirst()));
        Set<String> expected = kernelNamesInSources();
        for (String known : List.of("fill_f32", "fill_u8", "copy_f32_i64", "copy_u8_u8", "unary_f32", "binary_f32", "where_f32"))
            assertTrue(expected.contains(known), "the source scan finds " + known);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(newest.keySet());
        assertTrue(missing.isEmpty(), "kernels in the .cl sources but not in the PTX: " + missing);
        Set<String> unscanned = new TreeSet<>(newest.keySet());
        unscanned.removeAll(expected);
        if (!unscanned.isEmpty()) System.out.println("CudaPtxTest: PTX entries the source scan did not name (macro form it does not read): " + unscanned);
        for (CudaPtx.Target t : CudaPtx.TARGETS.subList(1, CudaPtx.TARGETS.size()))
            assertEquals(newest, CudaPtx.entries(CudaTesting.ptx(t)), t.resource() + " has the entries and parameters of " + CudaPtx.TARGETS.getFirst().resource());
    }

    /** The PTX parameter lists of known kernels, as CudaArgs checks launches against them. */
    @Test
    void parametersAreReadFromThePtx() {
        Map<String, List<CudaPtx.Param>> e = CudaPtx.entries(CudaTesting.ptx(CudaPtx.TARGETS.getFirst()));
        CudaPtx.Param ptr = new CudaPtx.Param(CudaPtx.Kind.U64, 8), strided = new CudaPtx.Param(CudaPtx.Kind.STRUCT, Strided.BYTES),
                i32 = new CudaPtx.Param(CudaPtx.Kind.U32, 4);
        assertEquals(List.of(ptr, strided, new CudaPtx.Param(CudaPtx.Kind.F32, 4), i32), e.get("fill_f32"));
        assertEquals(List.of(ptr, strided, new CudaPtx.Param(CudaPtx.Kind.U8, 1), i32), e.get("fill_u8"));
        assertEquals(List.of(ptr, strided, new CudaPtx.Param(CudaPtx.Kind.U64, 8), i32), e.get("fill_i64"));
        assertEquals(List.of(ptr, strided, ptr, strided, i32), e.get("copy_f32_i64"));
    }

    @Test
    void parserReadsEveryParameterForm() {
        String ptx = """
                .visible .entry k(
                	.param .u64 .ptr .global .align 4 k_param_0,
                	.param .align 4 .b8 k_param_1[72],
                	.param .f32 k_param_2,
                	.param .s32 k_param_3,
                	.param .u8 k_param_4,
                	.param .f64 k_param_5,
                	.param .align 8 .b64 k_param_6[3]
                )
                .visible .entry none(
                )
                """;
        Map<String, List<CudaPtx.Param>> e = CudaPtx.entries(ptx);
        assertEquals(List.of(new CudaPtx.Param(CudaPtx.Kind.U64, 8), new CudaPtx.Param(CudaPtx.Kind.STRUCT, 72),
                new CudaPtx.Param(CudaPtx.Kind.F32, 4), new CudaPtx.Param(CudaPtx.Kind.U32, 4), new CudaPtx.Param(CudaPtx.Kind.U8, 1),
                new CudaPtx.Param(CudaPtx.Kind.F64, 8), new CudaPtx.Param(CudaPtx.Kind.STRUCT, 24)), e.get("k"));
        assertEquals(List.of(), e.get("none"));
    }

    @Test
    void eachDeviceGetsTheNewestPtxItRuns() {
        CudaTesting.ptx(CudaPtx.TARGETS.getFirst());
        assertEquals("/dev/vq4j/cuda/vq4j.ptx", CudaPtx.select(9, 0).resource(), "H100/H200");
        assertEquals("/dev/vq4j/cuda/vq4j.ptx", CudaPtx.select(12, 0).resource(), "Blackwell: compute_90 PTX JITs forward");
        assertEquals("/dev/vq4j/cuda/vq4j-compute75.ptx", CudaPtx.select(8, 9).resource(), "Ada");
        assertEquals("/dev/vq4j/cuda/vq4j-compute75.ptx", CudaPtx.select(7, 5).resource(), "Turing");
        assertNull(CudaPtx.select(7, 0), "Volta is older than the oldest target");
        assertEquals("compute capability 7.0 is below 7.5, the oldest PTX target in the jar", CudaPtx.unsuitableReason(7, 0));
        assertNull(CudaPtx.unsuitableReason(9, 0));
    }

    @Test
    void moduleImageIsNulTerminated() {
        byte[] image = CudaPtx.image(".version 9.0");
        assertEquals(13, image.length);
        assertEquals(0, image[12]);
    }

    /** Kernel names the .cl files define: {@code KERNEL void name(} and the instantiations of macros that define kernels. */
    static Set<String> kernelNamesInSources() {
        Set<String> names = new TreeSet<>();
        Pattern plain = Pattern.compile("KERNEL\\s+void\\s+(\\w+)\\s*\\(");
        Pattern macro = Pattern.compile("(?m)^#define\\s+(\\w+)\\(\\s*(\\w+)\\s*[,)]((?:.*\\\\\\R)*.*)");
        for (String file : KernelSources.FILES) {
            String src = KernelSources.read(file).replaceAll("(?s)/\\*.*?\\*/", " ");
            List<String> kernelMacros = new ArrayList<>();
            Matcher d = macro.matcher(src);
            while (d.find()) {
                String param = d.group(2), body = d.group(3);
                if (Pattern.compile("KERNEL\\s+void\\s+" + param + "\\s*\\(").matcher(body).find()) kernelMacros.add(d.group(1));
            }
            String withoutDefines = src.replaceAll("(?m)^#define(?:.*\\\\\\R)*.*", " ");
            Matcher p = plain.matcher(withoutDefines);
            while (p.find()) names.add(p.group(1));
            for (String km : kernelMacros) {
                Matcher use = Pattern.compile("(?m)^\\s*" + km + "\\(\\s*(\\w+)").matcher(withoutDefines);
                while (use.find()) names.add(use.group(1));
            }
        }
        if (names.isEmpty()) fail("no kernel found in the .cl sources");
        return names;
    }
}
