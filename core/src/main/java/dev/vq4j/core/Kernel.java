package dev.vq4j.core;

/**
 * The 29 kernels of {@link Backend}, one per kernel method ({@code CONV2D_INPUT_GRAD} is
 * {@code conv2dInputGrad}), named so a backend can say which ones it runs natively
 * ({@link Backend#supports}).
 */
public enum Kernel {
    COPY, FILL, UNARY, BINARY, WHERE, REDUCE, MATMUL,
    CONV2D, CONV2D_INPUT_GRAD, CONV2D_WEIGHT_GRAD,
    MAX_POOL2D, AVG_POOL2D, AVG_POOL2D_BACKWARD,
    UPSAMPLE2D, UPSAMPLE2D_BACKWARD,
    PAD, PAD_BACKWARD,
    INDEX_SELECT, INDEX_ADD, GATHER, SCATTER_ADD,
    NEAREST_CODES,
    ATTENTION, ATTENTION_BACKWARD, GROUP_NORM, GROUP_NORM_BACKWARD, SOFTMAX, SOFTMAX_BACKWARD,
    ADAM_STEP;

    /** The lower-case name used in messages, {@code vq4j info} and {@code -Dvq4j.hostKernels}: {@code nearest_codes}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The kernel of an {@link #id()} (case-insensitive); the message lists the valid names. */
    public static Kernel of(String id) {
        for (Kernel k : values()) if (k.id().equalsIgnoreCase(id.strip())) return k;
        throw new IllegalArgumentException("unknown kernel '" + id.strip() + "'; the kernels are "
                + java.util.Arrays.stream(values()).map(Kernel::id).toList());
    }
}
