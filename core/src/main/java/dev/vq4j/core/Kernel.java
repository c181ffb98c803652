package dev.vq4j.core;

/** The kernels of {@link Backend}, named so a backend can declare which ones it implements. */
public enum Kernel {
    COPY, FILL, UNARY, BINARY, WHERE, REDUCE, MATMUL,
    CONV2D, CONV2D_INPUT_GRAD, CONV2D_WEIGHT_GRAD,
    MAX_POOL2D, AVG_POOL2D, AVG_POOL2D_BACKWARD,
    UPSAMPLE2D, UPSAMPLE2D_BACKWARD,
    PAD, PAD_BACKWARD,
    INDEX_SELECT, INDEX_ADD, GATHER, SCATTER_ADD,
    NEAREST_CODES
}
