package dev.vq4j.kernels.reference;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.DType;
import dev.vq4j.core.UnaryOp;
import dev.vq4j.core.View;
import dev.vq4j.kernels.HostBuffer;
import dev.vq4j.kernels.ScalarMath;
import dev.vq4j.kernels.StridedLoop;

/** Elementwise kernels of the reference backend: every value computed in double, rounded once to float. */
final class ReferenceElementwise {
    private ReferenceElementwise() {}

    @FunctionalInterface
    interface DoubleFn {
        double apply(double x);
    }

    @FunctionalInterface
    interface DoubleFn2 {
        double apply(double x, double y);
    }

    static DoubleFn unaryFn(UnaryOp op, float a, float b) {
        return switch (op) {
            case NEG -> x -> -x;
            case ABS -> Math::abs;
            case SIGN -> Math::signum;
            case EXP -> Math::exp;
            case LOG -> Math::log;
            case SQRT -> Math::sqrt;
            case RSQRT -> x -> 1.0 / Math.sqrt(x);
            case SQUARE -> x -> x * x;
            case RECIPROCAL -> x -> 1.0 / x;
            case SIN -> Math::sin;
            case COS -> Math::cos;
            case ADD_SCALAR -> x -> x + a;
            case MUL_SCALAR -> x -> x * a;
            case POW_SCALAR -> x -> Math.pow(x, a);
            case SCALAR_POW -> x -> Math.pow(a, x);
            case CLAMP -> x -> Double.isNaN(x) ? x : Math.min(Math.max(x, a), b);
            case RELU -> x -> x > 0 ? x : (Double.isNaN(x) ? x : 0.0);
            case LEAKY_RELU -> x -> x > 0 ? x : x * a;
            case SIGMOID -> ScalarMath::sigmoid;
            case TANH -> Math::tanh;
            case SILU -> ScalarMath::silu;
            case GELU -> ScalarMath::gelu;
            case GELU_TANH -> ScalarMath::geluTanh;
            case SOFTPLUS -> x -> ScalarMath.softplus(x, a, b);
            case SILU_GRAD -> ScalarMath::siluGrad;
            case GELU_GRAD -> ScalarMath::geluGrad;
            case GELU_TANH_GRAD -> ScalarMath::geluTanhGrad;
            case STEP -> x -> x > 0 ? 1.0 : a;
            case ISNAN -> x -> Double.isNaN(x) ? 1.0 : 0.0;
        };
    }

    static DoubleFn2 binaryFn(BinaryOp op) {
        return switch (op) {
            case ADD -> Double::sum;
            case SUB -> (x, y) -> x - y;
            case MUL -> (x, y) -> x * y;
            case DIV -> (x, y) -> x / y;
            case POW -> Math::pow;
            case MAXIMUM -> Math::max;
            case MINIMUM -> Math::min;
            case EQ -> (x, y) -> x == y ? 1 : 0;
            case NE -> (x, y) -> x != y ? 1 : 0;
            case LT -> (x, y) -> x < y ? 1 : 0;
            case LE -> (x, y) -> x <= y ? 1 : 0;
            case GT -> (x, y) -> x > y ? 1 : 0;
            case GE -> (x, y) -> x >= y ? 1 : 0;
            case AND -> (x, y) -> (x != 0 && y != 0) ? 1 : 0;
            case OR -> (x, y) -> (x != 0 || y != 0) ? 1 : 0;
        };
    }

    static void unary(UnaryOp op, View x, View out, float a, float b) {
        DoubleFn f = unaryFn(op, a, b);
        float[] src = ((HostBuffer) x.buffer()).floats();
        float[] dst = ((HostBuffer) out.buffer()).floats();
        StridedLoop.forEachRow(out.shape(), new int[][] {x.strides(), out.strides()},
                new int[] {x.offset(), out.offset()}, 8, (off, n, st) -> {
                    int xi = off[0], oi = off[1];
                    for (int i = 0; i < n; i++, xi += st[0], oi += st[1]) dst[oi] = (float) f.apply(src[xi]);
                });
    }

    static void binary(BinaryOp op, View a, View b, View out) {
        DoubleFn2 f = binaryFn(op);
        Accessor ra = Accessor.of(a), rb = Accessor.of(b);
        HostBuffer ob = (HostBuffer) out.buffer();
        boolean boolOut = out.dtype() == DType.BOOL;
        StridedLoop.forEachRow(out.shape(), new int[][] {a.strides(), b.strides(), out.strides()},
                new int[] {a.offset(), b.offset(), out.offset()}, 4, (off, n, st) -> {
                    int ai = off[0], bi = off[1], oi = off[2];
                    if (boolOut) {
                        boolean[] dst = ob.bools();
                        for (int i = 0; i < n; i++, ai += st[0], bi += st[1], oi += st[2])
                            dst[oi] = f.apply(ra.get(ai), rb.get(bi)) != 0;
                    } else {
                        float[] dst = ob.floats();
                        for (int i = 0; i < n; i++, ai += st[0], bi += st[1], oi += st[2])
                            dst[oi] = (float) f.apply(ra.get(ai), rb.get(bi));
                    }
                });
    }

    static void where(View cond, View a, View b, View out) {
        boolean[] c = ((HostBuffer) cond.buffer()).bools();
        Accessor ra = Accessor.of(a), rb = Accessor.of(b);
        Writer w = Writer.of(out);
        StridedLoop.forEachRow(out.shape(), new int[][] {cond.strides(), a.strides(), b.strides(), out.strides()},
                new int[] {cond.offset(), a.offset(), b.offset(), out.offset()}, 2, (off, n, st) -> {
                    int ci = off[0], ai = off[1], bi = off[2], oi = off[3];
                    for (int i = 0; i < n; i++, ci += st[0], ai += st[1], bi += st[2], oi += st[3])
                        w.set(oi, c[ci] ? ra.getRaw(ai) : rb.getRaw(bi));
                });
    }

    /** Strided copy with dtype conversion (float to int truncates toward zero, as PyTorch). */
    static void copy(View src, View dst) {
        if (src.dtype() == dst.dtype()) {
            copySameType(src, dst);
            return;
        }
        Accessor r = Accessor.of(src);
        Writer w = Writer.of(dst);
        StridedLoop.forEachRow(dst.shape(), new int[][] {src.strides(), dst.strides()},
                new int[] {src.offset(), dst.offset()}, 1, (off, n, st) -> {
                    int si = off[0], di = off[1];
                    for (int i = 0; i < n; i++, si += st[0], di += st[1]) w.set(di, r.getRaw(si));
                });
    }

    private static void copySameType(View src, View dst) {
        Object s = ((HostBuffer) src.buffer()).array(), d = ((HostBuffer) dst.buffer()).array();
        StridedLoop.forEachRow(dst.shape(), new int[][] {src.strides(), dst.strides()},
                new int[] {src.offset(), dst.offset()}, 1, (off, n, st) -> {
                    if (st[0] == 1 && st[1] == 1) {
                        System.arraycopy(s, off[0], d, off[1], n);
                        return;
                    }
                    int si = off[0], di = off[1];
                    switch (s) {
                        case float[] a -> { float[] b = (float[]) d; for (int i = 0; i < n; i++, si += st[0], di += st[1]) b[di] = a[si]; }
                        case int[] a -> { int[] b = (int[]) d; for (int i = 0; i < n; i++, si += st[0], di += st[1]) b[di] = a[si]; }
                        case long[] a -> { long[] b = (long[]) d; for (int i = 0; i < n; i++, si += st[0], di += st[1]) b[di] = a[si]; }
                        case boolean[] a -> { boolean[] b = (boolean[]) d; for (int i = 0; i < n; i++, si += st[0], di += st[1]) b[di] = a[si]; }
                        default -> throw new IllegalStateException("unknown host array " + s.getClass());
                    }
                });
    }

    static void fill(View dst, double value) {
        Writer w = Writer.of(dst);
        StridedLoop.forEachRow(dst.shape(), new int[][] {dst.strides()}, new int[] {dst.offset()}, 1, (off, n, st) -> {
            int di = off[0];
            for (int i = 0; i < n; i++, di += st[0]) w.set(di, value);
        });
    }

    /** Reads any host dtype as double; int64 beyond 2^53 is rounded, which only float conversion needs. */
    interface Accessor {
        double get(int i);

        default double getRaw(int i) {
            return get(i);
        }

        static Accessor of(View v) {
            HostBuffer b = (HostBuffer) v.buffer();
            return switch (b.array()) {
                case float[] a -> i -> a[i];
                case int[] a -> i -> a[i];
                case long[] a -> i -> a[i];
                case boolean[] a -> i -> a[i] ? 1 : 0;
                default -> throw new IllegalStateException();
            };
        }
    }

    interface Writer {
        void set(int i, double v);

        static Writer of(View v) {
            HostBuffer b = (HostBuffer) v.buffer();
            return switch (b.array()) {
                case float[] a -> (i, x) -> a[i] = (float) x;
                case int[] a -> (i, x) -> a[i] = (int) x;
                case long[] a -> (i, x) -> a[i] = (long) x;
                case boolean[] a -> (i, x) -> a[i] = x != 0;
                default -> throw new IllegalStateException();
            };
        }
    }
}
