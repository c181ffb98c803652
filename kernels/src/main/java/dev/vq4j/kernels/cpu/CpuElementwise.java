package dev.vq4j.kernels.cpu;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.DType;
import dev.vq4j.core.Parallel;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.ScalarMath;
import dev.vq4j.kernels.StridedLoop;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API paths for the elementwise ops a VQGAN step spends its time in. Each method returns false
 * when the op or the layout is not one it handles, and the caller runs the reference loop instead.
 * Binary +, -, *, / in float round exactly as the reference's double-then-round (53 >= 2*24 + 2 bits),
 * so they agree to the bit; exp-based maps agree to float rounding. Tails run the scalar formulas.
 */
final class CpuElementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements per parallel chunk of a flat loop. */
    private static final int CHUNK = 8192;

    private CpuElementwise() {}

    private static float[] floats(View v) {
        return ((HostBuffer) v.buffer()).floats();
    }

    private static boolean isFloat(View v) {
        return v.dtype() == DType.FLOAT32;
    }

    /** Every stride 0: one value broadcast to the whole shape. */
    private static boolean isScalar(View v) {
        for (int s : v.strides()) if (s != 0) return false;
        return true;
    }

    // ---- unary -------------------------------------------------------------------------------------

    static boolean unary(UnaryOp op, View x, View out, float a) {
        switch (op) {
            case EXP, SILU, SILU_GRAD, RELU, MUL_SCALAR, ADD_SCALAR, NEG, SQUARE, SIGMOID, GELU, GELU_GRAD -> { }
            default -> { return false; }
        }
        if (!isFloat(x) || !isFloat(out) || !x.isContiguous() || !out.isContiguous()) return false;
        float[] X = floats(x), Y = floats(out);
        int n = out.numel(), xo = x.offset(), yo = out.offset();
        Parallel.forRange((n + CHUNK - 1) / CHUNK, CHUNK * 4L, (from, to) -> {
            int start = from * CHUNK, end = Math.min(n, to * CHUNK);
            unaryRun(op, X, xo + start, Y, yo + start, end - start, a);
        });
        return true;
    }

    private static void unaryRun(UnaryOp op, float[] x, int xa, float[] y, int ya, int n, float a) {
        int i = 0, bound = n - n % L;
        switch (op) {
            case EXP -> { for (; i < bound; i += L) VectorExp.exp(FloatVector.fromArray(S, x, xa + i)).intoArray(y, ya + i); }
            case SILU -> {
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, xa + i);
                    v.div(VectorExp.exp(v.neg()).add(1f)).intoArray(y, ya + i);
                }
            }
            case SIGMOID -> {
                for (; i < bound; i += L)
                    FloatVector.broadcast(S, 1f).div(VectorExp.exp(FloatVector.fromArray(S, x, xa + i).neg()).add(1f)).intoArray(y, ya + i);
            }
            case SILU_GRAD -> { // s (1 + x (1 - s)), s = sigmoid(x)
                for (; i < bound; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, xa + i);
                    FloatVector s = FloatVector.broadcast(S, 1f).div(VectorExp.exp(v.neg()).add(1f));
                    s.mul(v.mul(s.neg().add(1f)).add(1f)).intoArray(y, ya + i);
                }
            }
            case GELU -> { for (; i < bound; i += L) VectorGelu.gelu(FloatVector.fromArray(S, x, xa + i)).intoArray(y, ya + i); }
            case GELU_GRAD -> { for (; i < bound; i += L) VectorGelu.geluGrad(FloatVector.fromArray(S, x, xa + i)).intoArray(y, ya + i); }
            case RELU -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xa + i).max(0f).intoArray(y, ya + i); }
            case MUL_SCALAR -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xa + i).mul(a).intoArray(y, ya + i); }
            case ADD_SCALAR -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xa + i).add(a).intoArray(y, ya + i); }
            case NEG -> { for (; i < bound; i += L) FloatVector.fromArray(S, x, xa + i).neg().intoArray(y, ya + i); }
            case SQUARE -> { for (; i < bound; i += L) { FloatVector v = FloatVector.fromArray(S, x, xa + i); v.mul(v).intoArray(y, ya + i); } }
            default -> throw new IllegalStateException(op.name());
        }
        for (; i < n; i++) {
            double v = x[xa + i];
            y[ya + i] = (float) switch (op) {
                case EXP -> Math.exp(v);
                case SILU -> ScalarMath.silu(v);
                case SIGMOID -> ScalarMath.sigmoid(v);
                case SILU_GRAD -> ScalarMath.siluGrad(v);
                case GELU -> ScalarMath.gelu(v);
                case GELU_GRAD -> ScalarMath.geluGrad(v);
                case RELU -> v > 0 ? v : (Double.isNaN(v) ? v : 0.0);
                case MUL_SCALAR -> v * a;
                case ADD_SCALAR -> v + a;
                case NEG -> -v;
                case SQUARE -> v * v;
                default -> throw new IllegalStateException(op.name());
            };
        }
    }

    // ---- binary ------------------------------------------------------------------------------------

    static boolean binary(BinaryOp op, View a, View b, View out) {
        switch (op) {
            case ADD, SUB, MUL, DIV -> { }
            default -> { return false; }
        }
        if (!isFloat(a) || !isFloat(b) || !isFloat(out) || !out.isContiguous()) return false;
        float[] A = floats(a), B = floats(b), O = floats(out);
        boolean aScalar = isScalar(a), bScalar = isScalar(b);
        if ((aScalar || a.isContiguous()) && (bScalar || b.isContiguous())) { // one flat run, split in chunks
            int n = out.numel();
            Parallel.forRange((n + CHUNK - 1) / CHUNK, CHUNK * 2L, (from, to) -> {
                int start = from * CHUNK, end = Math.min(n, to * CHUNK);
                binaryRun(op, A, a.offset() + (aScalar ? 0 : start), aScalar, B, b.offset() + (bScalar ? 0 : start), bScalar,
                        O, out.offset() + start, end - start);
            });
            return true;
        }
        int r = out.rank();
        if (r == 0) return false;
        int sa = a.strides()[r - 1], sb = b.strides()[r - 1];
        if ((sa != 0 && sa != 1) || (sb != 0 && sb != 1)) return false;
        // rows of the last dim: each operand unit-stride or broadcast along it (a bias [1, C, 1, 1] added to [N, C, H, W])
        StridedLoop.forEachRow(out.shape(), new int[][] {a.strides(), b.strides(), out.strides()},
                new int[] {a.offset(), b.offset(), out.offset()}, 2,
                (off, n, st) -> binaryRun(op, A, off[0], st[0] == 0, B, off[1], st[1] == 0, O, off[2], n));
        return true;
    }

    private static void binaryRun(BinaryOp op, float[] a, int aa, boolean aScalar, float[] b, int ba, boolean bScalar,
                                  float[] o, int oa, int n) {
        int i = 0, bound = n - n % L;
        FloatVector ca = FloatVector.broadcast(S, a[aa]), cb = FloatVector.broadcast(S, b[ba]);
        switch (op) {
            case ADD -> { for (; i < bound; i += L) load(a, aa, i, aScalar, ca).add(load(b, ba, i, bScalar, cb)).intoArray(o, oa + i); }
            case SUB -> { for (; i < bound; i += L) load(a, aa, i, aScalar, ca).sub(load(b, ba, i, bScalar, cb)).intoArray(o, oa + i); }
            case MUL -> { for (; i < bound; i += L) load(a, aa, i, aScalar, ca).mul(load(b, ba, i, bScalar, cb)).intoArray(o, oa + i); }
            case DIV -> { for (; i < bound; i += L) load(a, aa, i, aScalar, ca).div(load(b, ba, i, bScalar, cb)).intoArray(o, oa + i); }
            default -> throw new IllegalStateException(op.name());
        }
        for (; i < n; i++) {
            float x = a[aScalar ? aa : aa + i], y = b[bScalar ? ba : ba + i];
            o[oa + i] = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> x / y;
                default -> throw new IllegalStateException(op.name());
            };
        }
    }

    private static FloatVector load(float[] arr, int base, int i, boolean scalar, FloatVector broadcast) {
        return scalar ? broadcast : FloatVector.fromArray(S, arr, base + i);
    }
}
