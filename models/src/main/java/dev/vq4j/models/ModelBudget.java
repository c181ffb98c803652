package dev.vq4j.models;

import java.util.Locale;

/**
 * Refuses a model configuration whose float32 tensors would take more than half the JVM's heap, before
 * any of them is allocated: a 300-byte model.yaml can ask for {@code ch: 8192} or 100,000 residual
 * blocks, which would otherwise end in an OutOfMemoryError deep inside construction.
 */
public final class ModelBudget {
    private ModelBudget() {}

    /**
     * @param what     the model, for the message ("VQGAN", "GPT")
     * @param elements about how many floats the model's parameters and buffers hold
     * @param fields   the configuration fields that set the size, for the message
     */
    public static void check(String what, double elements, String fields) {
        long heap = Runtime.getRuntime().maxMemory();
        double bytes = 4 * elements;
        if (bytes > heap / 2.0)
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: the configuration asks for about %.3g parameters (%.1f GiB of float32), more than half the JVM's %.1f GiB heap; "
                            + "check %s, or give the JVM more (VQ4J_JAVA_OPTS=-Xmx...)", what, elements, bytes / (1L << 30), heap / (double) (1L << 30), fields));
    }
}
