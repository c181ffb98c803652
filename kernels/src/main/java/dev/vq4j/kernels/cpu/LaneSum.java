package dev.vq4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The sum of a vector's lanes in a fixed order (lane 0 first), in double. The Vector API leaves the
 * order of {@code reduceLanes(ADD)} on floats unspecified, and the interpreter's and the JIT's orders
 * differ in the last bits; kernels that promise bit-identical results use this instead.
 */
public final class LaneSum {
    private LaneSum() {}

    public static double of(FloatVector v) {
        float[] lanes = new float[v.length()];
        v.intoArray(lanes, 0);
        double s = 0;
        for (float x : lanes) s += x;
        return s;
    }
}
