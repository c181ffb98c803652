package dev.vq4j.core;

/** How {@link Backend#pad} fills the border, as torch.nn.functional.pad's {@code mode}. */
public enum PadMode {
    CONSTANT, REFLECT, REPLICATE
}
