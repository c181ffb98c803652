package dev.vq4j.core;

/**
 * Reductions over the trailing dimensions of a view. {@code ARGMAX}/{@code ARGMIN} write the
 * {@link DType#INT64} row-major position inside the reduced block, first occurrence on ties (as
 * torch.argmax); {@code MAX}/{@code MIN} propagate NaN.
 */
public enum ReduceOp {
    SUM, MAX, MIN, ARGMAX, ARGMIN
}
