package dev.vq4j.core;

/** Elementwise maps of two broadcast operands. Comparisons write {@link DType#BOOL}. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW,
    /** elementwise maximum; NaN propagates as in torch.maximum */
    MAXIMUM,
    /** elementwise minimum; NaN propagates as in torch.minimum */
    MINIMUM,
    EQ, NE, LT, LE, GT, GE,
    /** logical and of two bool operands */
    AND,
    /** logical or of two bool operands */
    OR;

    public boolean isComparison() {
        return ordinal() >= EQ.ordinal() && ordinal() <= GE.ordinal();
    }

    public boolean isLogical() {
        return this == AND || this == OR;
    }
}
