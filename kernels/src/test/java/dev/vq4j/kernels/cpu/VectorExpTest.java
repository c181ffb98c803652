package dev.vq4j.kernels.cpu;

import dev.vq4j.core.Rng;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class VectorExpTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static float[] inputs() {
        Rng rng = new Rng(5);
        float[] x = new float[S.length() * 4096];
        for (int i = 0; i < x.length; i++) x[i] = (float) ((rng.nextDouble() * 2 - 1) * (i % 3 == 0 ? 110 : 12));
        float[] special = {0f, -0f, 1f, -1f, 88.7f, 88.72283f, 88.73f, 89.5f, 100f, -87.3f, -87.34f, -103.9f, -104f, -200f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-8f, -1e-8f, 0.3465736f, -0.3465736f};
        System.arraycopy(special, 0, x, 0, special.length);
        return x;
    }

    @Test
    void withinTwoUlpOfMathExpAndExactAtTheEdges() {
        float[] x = inputs();
        for (float v : x) {
            float ours = VectorExp.exp(v);
            double exact = Math.exp(v);
            if (Float.isNaN(v)) assertTrue(Float.isNaN(ours));
            else if (exact > Float.MAX_VALUE) assertEquals(Float.POSITIVE_INFINITY, ours, "exp(" + v + ")");
            else if (exact < Float.MIN_NORMAL) assertTrue(ours >= 0 && ours <= Float.MIN_NORMAL, "exp(" + v + ") = " + ours);
            else assertEquals(exact, ours, 2 * Math.ulp((float) exact), "exp(" + v + ")");
        }
    }

    @Test
    void vectorLanesEqualTheScalarVersionBitForBit() {
        float[] x = inputs(), y = new float[x.length];
        for (int rep = 0; rep < 200; rep++) // enough repetitions for the JIT to compile the vector path
            for (int i = 0; i < x.length; i += S.length()) VectorExp.exp(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        for (int i = 0; i < x.length; i++)
            assertEquals(Float.floatToRawIntBits(VectorExp.exp(x[i])), Float.floatToRawIntBits(y[i]),
                    "lane " + i + ": exp(" + x[i] + ")");
    }
}
