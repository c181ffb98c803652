package dev.vq4j.core;

/** Interpolation used by {@link Backend#upsample2d}, as torch.nn.functional.interpolate's {@code mode}. */
public enum UpsampleMode {
    NEAREST, BILINEAR
}
