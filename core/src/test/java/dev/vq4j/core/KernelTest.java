package dev.vq4j.core;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kernel enum names the Backend interface's kernel methods one to one (the "29 kernels" of the docs). */
class KernelTest {
    /** Backend methods that are not kernels: identity, capability and memory. */
    private static final Set<String> NOT_KERNELS = Set.of("name", "device", "priority", "describe", "supports", "attentionNative", "describeFallback",
            "allocate", "upload", "download");

    /** {@code CONV2D_INPUT_GRAD} to {@code conv2dInputGrad}. */
    static String methodName(Kernel k) {
        StringBuilder sb = new StringBuilder();
        for (String part : k.id().split("_"))
            sb.append(sb.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        return sb.toString();
    }

    @Test
    void everyKernelIsABackendMethodAndEveryOtherMethodIsMemoryOrIdentity() {
        Set<String> kernelMethods = new TreeSet<>();
        for (Method m : Backend.class.getDeclaredMethods())
            if (!Modifier.isStatic(m.getModifiers()) && !NOT_KERNELS.contains(m.getName())) kernelMethods.add(m.getName());
        Set<String> enumMethods = new TreeSet<>();
        for (Kernel k : Kernel.values()) enumMethods.add(methodName(k));
        assertEquals(enumMethods, kernelMethods);
        assertEquals(29, Kernel.values().length, "docs/ARCHITECTURE.md and Backend's javadoc say 29 kernels");
    }

    @Test
    void idsRoundTripAndUnknownNamesListTheKernels() {
        for (Kernel k : Kernel.values()) assertSame(k, Kernel.of(k.id().toUpperCase()));
        assertEquals("nearest_codes", Kernel.NEAREST_CODES.id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernel.of("nearest_code"));
        assertTrue(e.getMessage().contains("unknown kernel 'nearest_code'") && e.getMessage().contains("nearest_codes"), e.getMessage());
    }
}
