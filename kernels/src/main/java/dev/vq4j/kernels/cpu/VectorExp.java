package dev.vq4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp(x) on float vectors built only from IEEE-exact operations (add, mul, fma, shifts), so it gives
 * the same bits interpreted, C1- or C2-compiled. {@code lanewise(VectorOperators.EXP)} does not: the
 * JIT's intrinsic and the interpreter's fallback differ in the last bits, which broke run-to-run and
 * resume bit-identity. {@link #exp(float)} is the same algorithm on one float, for loop tails.
 *
 * <p>Cody–Waite reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split into a short high part and a
 * correction), Cephes' degree-6 minimax polynomial for e^r (about 1 ulp), then scaling by 2^n as
 * two exact power-of-two factors so n = 128 and gradual underflow need no special case.
 */
public final class VectorExp {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float ROUND = 12582912f; // 1.5 * 2^23: (v + ROUND) - ROUND rounds v to an integer
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float C6 = 1.9875691500e-4f, C5 = 1.3981999507e-3f, C4 = 8.3334519073e-3f,
            C3 = 4.1665795894e-2f, C2 = 1.6666665459e-1f, C1 = 5.0000001201e-1f;
    private static final float LOW = -104f, HIGH = 88.72283905f; // below LOW the result is 0, above HIGH +inf

    private VectorExp() {}

    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(LOW).min(HIGH + 1f);
        FloatVector n = xc.mul(LOG2E).add(ROUND).sub(ROUND);
        FloatVector r = n.fma(bc(n, -LN2_HI), xc);   // xc - n*LN2_HI: exact, LN2_HI has few mantissa bits
        r = n.fma(bc(n, -LN2_LO), r);                 // - n*LN2_LO
        FloatVector p = r.fma(C6, C5).fma(r, bc(r, C4)).fma(r, bc(r, C3)).fma(r, bc(r, C2)).fma(r, bc(r, C1));
        FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
        IntVector k = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1), k2 = k.sub(k1);
        y = y.mul(k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
             .mul(k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, HIGH));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** The same computation on one float: bit-identical to a lane of {@link #exp(FloatVector)}. */
    public static float exp(float x) {
        if (Float.isNaN(x)) return x;
        if (x > HIGH) return Float.POSITIVE_INFINITY;
        float xc = Math.min(Math.max(x, LOW), HIGH + 1f);
        float n = xc * LOG2E + ROUND - ROUND;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, C6, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, C1);
        float y = p * (r * r) + r + 1f;
        int k = (int) n, k1 = k >> 1, k2 = k - k1;
        return y * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    private static FloatVector bc(FloatVector like, float v) {
        return FloatVector.broadcast(like.species(), v);
    }
}
