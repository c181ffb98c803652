package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Backend;
import dev.vq4j.core.BackendProvider;

/** Registers the cpu backend as device {@code cpu}. */
public final class CpuProvider implements BackendProvider {
    @Override
    public String type() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Backend create(int index) {
        if (index != 0) throw new IllegalArgumentException("there is only one cpu device (cpu:0), got index " + index);
        return new CpuBackend();
    }
}
