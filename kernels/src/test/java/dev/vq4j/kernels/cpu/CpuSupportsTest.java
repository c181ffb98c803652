package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Backend;
import dev.vq4j.core.Backends;
import dev.vq4j.core.Device;
import dev.vq4j.core.Kernel;
import dev.vq4j.kernels.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host backends' {@code supports(kernel)} agrees with their code: the cpu backend supports
 * exactly the kernels it overrides with its own (Vector API) method, the others running the
 * reference loop it inherits; the reference backend declares and supports all of them.
 */
class CpuSupportsTest {
    /** {@code CONV2D_INPUT_GRAD} to {@code conv2dInputGrad}. */
    static String methodName(Kernel k) {
        StringBuilder sb = new StringBuilder();
        for (String part : k.id().split("_"))
            sb.append(sb.isEmpty() ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
        return sb.toString();
    }

    /** The kernels whose Backend method {@code type} itself declares. */
    static Set<Kernel> declared(Class<?> type) {
        Set<Kernel> s = EnumSet.noneOf(Kernel.class);
        for (Method m : type.getDeclaredMethods())
            for (Kernel k : Kernel.values())
                if (m.getName().equals(methodName(k)) && !m.isSynthetic() && !java.lang.reflect.Modifier.isStatic(m.getModifiers())) s.add(k);
        return s;
    }

    @Test
    void cpuSupportsExactlyTheKernelsItOverrides() {
        Backend cpu = Backends.get(Device.CPU);
        Set<Kernel> supported = EnumSet.noneOf(Kernel.class);
        for (Kernel k : Kernel.values()) if (cpu.supports(k)) supported.add(k);
        assertEquals(declared(CpuBackend.class), supported);
        assertEquals(CpuBackend.VECTOR_KERNELS, supported);
        assertNotNull(cpu.describeFallback());
        assertTrue(cpu.describe().contains(supported.size() + " of " + Kernel.values().length + " kernels"), cpu.describe());
    }

    @Test
    void referenceDeclaresAndSupportsEveryKernel() {
        Backend ref = Backends.get(Device.REFERENCE);
        assertEquals(EnumSet.allOf(Kernel.class), declared(ReferenceBackend.class));
        for (Kernel k : Kernel.values()) assertTrue(ref.supports(k), k.id());
        assertNull(ref.describeFallback());
    }
}
