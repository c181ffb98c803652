package dev.vq4j.kernels.reference;

import dev.vq4j.core.Backend;
import dev.vq4j.core.BackendProvider;

/** Registers the reference backend as device {@code reference}. */
public final class ReferenceProvider implements BackendProvider {
    @Override
    public String type() {
        return "reference";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Backend create(int index) {
        if (index != 0) throw new IllegalArgumentException("there is only one reference device (reference:0), got index " + index);
        return new ReferenceBackend();
    }
}
