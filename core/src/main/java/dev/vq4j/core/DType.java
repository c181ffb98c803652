package dev.vq4j.core;

/**
 * Element types a tensor can hold. Arithmetic runs in {@link #FLOAT32}; {@link #INT64} and
 * {@link #INT32} carry indices, {@link #BOOL} carries masks. Files may hold more types (see
 * {@code dev.vq4j.core.io.SafeTensors}); they are converted to one of these on load.
 */
public enum DType {
    FLOAT32(4, "float32"),
    INT32(4, "int32"),
    INT64(8, "int64"),
    BOOL(1, "bool");

    private final int byteSize;
    private final String torchName;

    DType(int byteSize, String torchName) {
        this.byteSize = byteSize;
        this.torchName = torchName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The name PyTorch prints for this type, used in error messages. */
    public String torchName() {
        return torchName;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT32;
    }

    public boolean isIntegral() {
        return this == INT32 || this == INT64;
    }
}
