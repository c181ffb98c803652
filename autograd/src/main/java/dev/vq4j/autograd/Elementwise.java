package dev.vq4j.autograd;

import dev.vq4j.core.BinaryOp;
import dev.vq4j.core.DType;
import dev.vq4j.core.Shapes;
import dev.vq4j.core.UnaryOp;

/**
 * Elementwise arithmetic, activations and comparisons, each with its gradient beside it.
 * Binary ops broadcast as PyTorch does; integer and bool operands of arithmetic are promoted to
 * float32. Gradients of broadcast operands are summed back to the operand's shape.
 */
public final class Elementwise {
    private Elementwise() {}

    // ---- kernels without autograd ----------------------------------------------------------------

    static Tensor floatOperand(String op, Tensor t) {
        return t.dtype() == DType.FLOAT32 ? t : t.to(DType.FLOAT32);
    }

    static Tensor unary(UnaryOp op, Tensor x, float a, float b) {
        Tensor in = floatOperand(op.name().toLowerCase(), x);
        Tensor out = Tensor.emptyLike(in, DType.FLOAT32, in.shape());
        in.backend().unary(op, in.kernelView(), out.kernelView(), a, b);
        return out;
    }

    static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b) {
        Tensor.checkSameDevice(name, a, b);
        int[] shape = Shapes.broadcast(name, a.shape(), b.shape());
        Tensor ea, eb;
        if (op.isLogical()) {
            ea = a.to(DType.BOOL);
            eb = b.to(DType.BOOL);
        } else if (op.isComparison() && a.dtype() == b.dtype()) {
            ea = a;
            eb = b;
        } else {
            ea = floatOperand(name, a);
            eb = floatOperand(name, b);
        }
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            ea = ea.expand(shape);
            eb = eb.expand(shape);
        }
        DType outType = op.isComparison() || op.isLogical() ? DType.BOOL : DType.FLOAT32;
        Tensor out = Tensor.emptyLike(a, outType, shape);
        a.backend().binary(op, ea.kernelView(), eb.kernelView(), out.kernelView());
        return out;
    }

    // ---- arithmetic -------------------------------------------------------------------------------

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binary("add", BinaryOp.ADD, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record("add", out, new Tensor[] {a, b},
                g -> new Tensor[] {Reductions.sumToShape(g, sa), Reductions.sumToShape(g, sb)});
    }

    public static Tensor add(Tensor a, float s) {
        Tensor out = unary(UnaryOp.ADD_SCALAR, a, s, 0);
        return Autograd.record("add", out, new Tensor[] {a}, g -> new Tensor[] {g});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary("sub", BinaryOp.SUB, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record("sub", out, new Tensor[] {a, b},
                g -> new Tensor[] {Reductions.sumToShape(g, sa), Reductions.sumToShape(neg(g), sb)});
    }

    /** s - a */
    public static Tensor rsub(float s, Tensor a) {
        return add(neg(a), s);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary("mul", BinaryOp.MUL, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record("mul", out, new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? Reductions.sumToShape(mul(g, b), sa) : null,
                b.requiresGrad() ? Reductions.sumToShape(mul(g, a), sb) : null});
    }

    public static Tensor mul(Tensor a, float s) {
        Tensor out = unary(UnaryOp.MUL_SCALAR, a, s, 0);
        return Autograd.record("mul", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, s)});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary("div", BinaryOp.DIV, a, b);
        int[] sa = a.shape(), sb = b.shape();
        // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2 = -out/b
        return Autograd.record("div", out, new Tensor[] {a, b}, g -> new Tensor[] {
                a.requiresGrad() ? Reductions.sumToShape(div(g, b), sa) : null,
                b.requiresGrad() ? Reductions.sumToShape(neg(div(mul(g, out), b)), sb) : null});
    }

    /** s / a */
    public static Tensor rdiv(float s, Tensor a) {
        return mul(reciprocal(a), s);
    }

    public static Tensor reciprocal(Tensor a) {
        Tensor out = unary(UnaryOp.RECIPROCAL, a, 0, 0);
        return Autograd.record("reciprocal", out, new Tensor[] {a}, g -> new Tensor[] {neg(mul(g, square(out)))});
    }

    public static Tensor pow(Tensor a, float e) {
        Tensor out = unary(UnaryOp.POW_SCALAR, a, e, 0);
        return Autograd.record("pow", out, new Tensor[] {a},
                g -> new Tensor[] {e == 0f ? Tensor.zerosLike(a) : mul(g, mul(pow(a, e - 1), e))});
    }

    /**
     * Tensor exponent: d/da = e a^(e-1) (0 where e = 0), d/de = a^e ln a (0 where a = 0 and e >= 0),
     * masked as PyTorch's pow_backward_self / pow_backward_exponent.
     */
    public static Tensor pow(Tensor a, Tensor e) {
        Tensor out = binary("pow", BinaryOp.POW, a, e);
        int[] sa = a.shape(), se = e.shape();
        return Autograd.record("pow", out, new Tensor[] {a, e}, g -> {
            Tensor ga = null, ge = null;
            if (a.requiresGrad()) {
                Tensor d = mul(e, pow(a, add(e, -1f)));
                Tensor eZero = e.eq(e.scalarLike(0f));
                ga = Reductions.sumToShape(mul(g, where(eZero, e.scalarLike(0f), d)), sa);
            }
            if (e.requiresGrad()) {
                Tensor masked = logicalAnd(a.eq(a.scalarLike(0f)), e.ge(e.scalarLike(0f)));
                Tensor d = where(masked, a.scalarLike(0f), mul(out, log(a)));
                ge = Reductions.sumToShape(mul(g, d), se);
            }
            return new Tensor[] {ga, ge};
        });
    }

    public static Tensor neg(Tensor a) {
        Tensor out = unary(UnaryOp.NEG, a, 0, 0);
        return Autograd.record("neg", out, new Tensor[] {a}, g -> new Tensor[] {neg(g)});
    }

    public static Tensor abs(Tensor a) {
        Tensor out = unary(UnaryOp.ABS, a, 0, 0);
        return Autograd.record("abs", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, unary(UnaryOp.SIGN, a, 0, 0))});
    }

    public static Tensor sign(Tensor a) {
        return unary(UnaryOp.SIGN, a, 0, 0);
    }

    public static Tensor exp(Tensor a) {
        Tensor out = unary(UnaryOp.EXP, a, 0, 0);
        return Autograd.record("exp", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, out)});
    }

    public static Tensor log(Tensor a) {
        Tensor out = unary(UnaryOp.LOG, a, 0, 0);
        return Autograd.record("log", out, new Tensor[] {a}, g -> new Tensor[] {div(g, a)});
    }

    public static Tensor sqrt(Tensor a) {
        Tensor out = unary(UnaryOp.SQRT, a, 0, 0);
        return Autograd.record("sqrt", out, new Tensor[] {a}, g -> new Tensor[] {div(g, mul(out, 2f))});
    }

    /** 1/sqrt(a); gradient -0.5 a^(-3/2) = -0.5 out^3. */
    public static Tensor rsqrt(Tensor a) {
        Tensor out = unary(UnaryOp.RSQRT, a, 0, 0);
        return Autograd.record("rsqrt", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, mul(pow(out, 3f), -0.5f))});
    }

    public static Tensor square(Tensor a) {
        Tensor out = unary(UnaryOp.SQUARE, a, 0, 0);
        return Autograd.record("square", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, mul(a, 2f))});
    }

    public static Tensor sin(Tensor a) {
        Tensor out = unary(UnaryOp.SIN, a, 0, 0);
        return Autograd.record("sin", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, unary(UnaryOp.COS, a, 0, 0))});
    }

    public static Tensor cos(Tensor a) {
        Tensor out = unary(UnaryOp.COS, a, 0, 0);
        return Autograd.record("cos", out, new Tensor[] {a}, g -> new Tensor[] {neg(mul(g, unary(UnaryOp.SIN, a, 0, 0)))});
    }

    /** Clamps to [min, max] (pass infinities for one-sided); gradient flows where min <= a <= max, as PyTorch. */
    public static Tensor clamp(Tensor a, float min, float max) {
        Tensor out = unary(UnaryOp.CLAMP, a, min, max);
        return Autograd.record("clamp", out, new Tensor[] {a}, g -> {
            Tensor inside = binary("clamp", BinaryOp.AND, a.ge(a.scalarLike(min)), a.le(a.scalarLike(max)));
            return new Tensor[] {where(inside, g, Tensor.zerosLike(g))};
        });
    }

    /** Elementwise max; on ties the gradient is split equally, as PyTorch. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return minMax("maximum", BinaryOp.MAXIMUM, BinaryOp.GT, a, b);
    }

    public static Tensor minimum(Tensor a, Tensor b) {
        return minMax("minimum", BinaryOp.MINIMUM, BinaryOp.LT, a, b);
    }

    private static Tensor minMax(String name, BinaryOp op, BinaryOp wins, Tensor a, Tensor b) {
        Tensor out = binary(name, op, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record(name, out, new Tensor[] {a, b}, g -> {
            Tensor aWins = binary(name, wins, a, b).to(DType.FLOAT32);
            Tensor tie = binary(name, BinaryOp.EQ, a, b).to(DType.FLOAT32);
            Tensor wa = add(aWins, mul(tie, 0.5f));
            Tensor wb = rsub(1f, wa);
            return new Tensor[] {Reductions.sumToShape(mul(g, wa), sa), Reductions.sumToShape(mul(g, wb), sb)};
        });
    }

    /** cond ? a : b with broadcasting; cond is bool. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype() != DType.BOOL)
            throw new IllegalArgumentException("where: expected condition to be a bool tensor, got " + cond.dtype().torchName());
        Tensor.checkSameDevice("where", cond, a);
        Tensor.checkSameDevice("where", a, b);
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape(), a.shape()), b.shape());
        Tensor fa = floatOperand("where", a), fb = floatOperand("where", b);
        Tensor out = Tensor.emptyLike(a, DType.FLOAT32, shape);
        try (GradMode.Scope ignored = GradMode.noGrad()) {
            a.backend().where(cond.expand(shape).kernelView(), fa.expand(shape).kernelView(), fb.expand(shape).kernelView(), out.kernelView());
        }
        int[] sa = a.shape(), sb = b.shape();
        return Autograd.record("where", out, new Tensor[] {null, a, b}, g -> {
            Tensor zero = Tensor.zerosLike(g);
            return new Tensor[] {null,
                    a.requiresGrad() ? Reductions.sumToShape(where(cond, g, zero), sa) : null,
                    b.requiresGrad() ? Reductions.sumToShape(where(cond, zero, g), sb) : null};
        });
    }

    /** Replaces elements where mask is true by value. */
    public static Tensor maskedFill(Tensor a, Tensor mask, float value) {
        if (mask.dtype() != DType.BOOL)
            throw new IllegalArgumentException("masked_fill: expected a bool mask, got " + mask.dtype().torchName());
        int[] out = Shapes.broadcast("masked_fill", a.shape(), mask.shape());
        if (!java.util.Arrays.equals(out, a.shape()))
            throw new IllegalArgumentException("masked_fill: mask " + mask.shapeString() + " does not broadcast to input " + a.shapeString());
        return where(mask, a.scalarLike(value), a);
    }

    /** Comparison producing a bool tensor; never differentiable. */
    public static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        if (!op.isComparison()) throw new IllegalArgumentException(op + " is not a comparison");
        return binary(op.name().toLowerCase(), op, a, b);
    }

    public static Tensor logicalAnd(Tensor a, Tensor b) {
        return binary("logical_and", BinaryOp.AND, a, b);
    }

    public static Tensor logicalOr(Tensor a, Tensor b) {
        return binary("logical_or", BinaryOp.OR, a, b);
    }

    public static Tensor logicalNot(Tensor a) {
        return compare(BinaryOp.EQ, a.to(DType.BOOL), Tensor.ofBools(a.device(), new boolean[] {false}));
    }

    public static Tensor isnan(Tensor a) {
        return unary(UnaryOp.ISNAN, a, 0, 0).to(DType.BOOL);
    }

    // ---- activations ------------------------------------------------------------------------------

    public static Tensor relu(Tensor a) {
        Tensor out = unary(UnaryOp.RELU, a, 0, 0);
        return Autograd.record("relu", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, unary(UnaryOp.STEP, a, 0, 0))});
    }

    public static Tensor leakyRelu(Tensor a, float slope) {
        Tensor out = unary(UnaryOp.LEAKY_RELU, a, slope, 0);
        return Autograd.record("leaky_relu", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, unary(UnaryOp.STEP, a, slope, 0))});
    }

    public static Tensor sigmoid(Tensor a) {
        Tensor out = unary(UnaryOp.SIGMOID, a, 0, 0);
        return Autograd.record("sigmoid", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, mul(out, rsub(1f, out)))});
    }

    public static Tensor tanh(Tensor a) {
        Tensor out = unary(UnaryOp.TANH, a, 0, 0);
        return Autograd.record("tanh", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, rsub(1f, square(out)))});
    }

    /** x * sigmoid(x), also called swish. */
    public static Tensor silu(Tensor a) {
        Tensor out = unary(UnaryOp.SILU, a, 0, 0);
        return Autograd.record("silu", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, unary(UnaryOp.SILU_GRAD, a, 0, 0))});
    }

    /** Exact GELU, x * Phi(x) (Hendrycks and Gimpel 2016). */
    public static Tensor gelu(Tensor a) {
        Tensor out = unary(UnaryOp.GELU, a, 0, 0);
        return Autograd.record("gelu", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, unary(UnaryOp.GELU_GRAD, a, 0, 0))});
    }

    /** GELU with the tanh approximation (approximate='tanh'). */
    public static Tensor geluTanh(Tensor a) {
        Tensor out = unary(UnaryOp.GELU_TANH, a, 0, 0);
        return Autograd.record("gelu_tanh", out, new Tensor[] {a}, g -> new Tensor[] {mul(g, unary(UnaryOp.GELU_TANH_GRAD, a, 0, 0))});
    }

    /** log(1 + exp(beta x)) / beta, linear where beta x > threshold. Defaults in PyTorch: beta 1, threshold 20. */
    public static Tensor softplus(Tensor a, float beta, float threshold) {
        Tensor out = unary(UnaryOp.SOFTPLUS, a, beta, threshold);
        return Autograd.record("softplus", out, new Tensor[] {a}, g -> {
            // derivative sigmoid(beta x), exactly 1 in the linear region
            Tensor s = sigmoid(mul(a, beta));
            Tensor linear = a.gt(a.scalarLike(threshold / beta));
            return new Tensor[] {mul(g, where(linear, Tensor.onesLike(s), s))};
        });
    }

    public static Tensor softplus(Tensor a) {
        return softplus(a, 1f, 20f);
    }
}
