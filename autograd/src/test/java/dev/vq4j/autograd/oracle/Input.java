package dev.vq4j.autograd.oracle;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.Rng;

import java.util.Arrays;
import java.util.function.Function;

/** How to draw one input of an {@link OpCheck}: a generator from a seeded {@link Rng}, and whether it gets a gradient. */
public record Input(String description, Function<Rng, Tensor> generator, boolean grad) {

    /** Standard normal float32. */
    public static Input randn(int... shape) {
        return new Input("randn" + Arrays.toString(shape), r -> Tensor.randn(r, shape), true);
    }

    /** Uniform float32 in [lo, hi). */
    public static Input uniform(float lo, float hi, int... shape) {
        return new Input("uniform(" + lo + "," + hi + ")" + Arrays.toString(shape), r -> Tensor.uniform(r, lo, hi, shape), true);
    }

    /** Uniform in [0.5, 2): safe for log, sqrt, division. */
    public static Input positive(int... shape) {
        return uniform(0.5f, 2f, shape);
    }

    /** Normal values kept at least {@code gap} away from zero (for ops with a kink at 0: abs, relu). */
    public static Input awayFromZero(float gap, int... shape) {
        return new Input("awayFromZero" + Arrays.toString(shape), r -> {
            float[] v = Tensor.randn(r, shape).toFloatArray();
            for (int i = 0; i < v.length; i++) v[i] = v[i] + Math.copySign(gap, v[i]);
            return Tensor.of(v, shape);
        }, true);
    }

    /** Integer-valued float32 in [lo, hi): many exact ties (max/min, maximum/minimum gradients). */
    public static Input smallInts(int lo, int hi, int... shape) {
        return new Input("smallInts[" + lo + "," + hi + ")" + Arrays.toString(shape),
                r -> Tensor.randint(r, lo, hi, shape).to(dev.vq4j.core.DType.FLOAT32), true);
    }

    /** Fixed float32 values (with a gradient), for edge cases such as kinks and boundaries. */
    public static Input values(float[] values, int... shape) {
        return new Input("values" + Arrays.toString(shape), r -> Tensor.of(values, shape), true);
    }

    /** int64 indices uniform in [0, high). */
    public static Input indices(long high, int... shape) {
        return new Input("indices<" + high + Arrays.toString(shape), r -> Tensor.randint(r, 0, high, shape), false);
    }

    /** A random bool mask. */
    public static Input mask(int... shape) {
        return new Input("mask" + Arrays.toString(shape), r -> Tensor.rand(r, shape).gt(0.5f), false);
    }

    /** A fixed tensor. */
    public static Input of(Tensor t) {
        return new Input("fixed" + t.shapeString(), r -> t, t.dtype().isFloatingPoint());
    }

    /** The same input without a gradient check. */
    public Input noGrad() {
        return new Input(description, generator, false);
    }
}
