package dev.vq4j.autograd.oracle;

import dev.vq4j.autograd.Tensor;
import dev.vq4j.core.DType;
import dev.vq4j.core.Rng;
import dev.vq4j.core.io.TensorData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One op compared with PyTorch, forward and backward, on fresh random inputs.
 *
 * <p>The Java function and the Python expression receive the same inputs (x0, x1, ... in Python).
 * Java runs forward, draws a random upstream gradient g of the output's shape and backpropagates;
 * PyTorch does the same with the same g. The output and every input gradient must agree within the
 * tolerance, measured per element as {@code |ours - torch| / max(|torch|, 1e-2 * max|torch|)}:
 * relative to the element, or to 1% of the tensor's largest magnitude for elements near zero
 * (where float32 cancellation makes a pure relative error meaningless). Integer and bool outputs
 * must match exactly. Gradients are checked at {@link #REDUCTION} unless {@link #gradTol} says
 * otherwise: an input's gradient sums the upstream values over every output it reaches (broadcast,
 * expand, padding, indexing), in float32 on PyTorch's side, and fresh random inputs found sums that
 * cancel to 1e-5–4e-5 relative error (expand, replicate pad, where's scalar branch).
 *
 * <p>Each check draws from a seed printed on failure; rerun it with {@code -Dvq4j.seed=N}.
 * Achieved errors are appended to {@code target/parity-report.tsv}.
 */
public final class OpCheck {
    /** Elementwise ops: 1e-5. */
    public static final double ELEMENTWISE = 1e-5;
    /** Reductions, matmul, conv, norms: 1e-4. */
    public static final double REDUCTION = 1e-4;

    private static final long BASE_SEED = Long.getLong("vq4j.seed", System.nanoTime());

    private final TorchOracle oracle;
    private final String name;
    private String expr;
    private Function<Tensor[], Tensor> fn;
    private Input[] inputs = new Input[0];
    private double tol = ELEMENTWISE;
    private double gradTol = -1;
    private boolean backward = true;

    OpCheck(TorchOracle oracle, String name) {
        this.oracle = oracle;
        this.name = name;
    }

    public OpCheck python(String expression) {
        this.expr = expression;
        return this;
    }

    public OpCheck java(Function<Tensor[], Tensor> function) {
        this.fn = function;
        return this;
    }

    public OpCheck inputs(Input... in) {
        this.inputs = in;
        return this;
    }

    /** Tolerance for the output (and for the gradients when looser than {@link #REDUCTION}, unless {@link #gradTol} is set). */
    public OpCheck tol(double t) {
        this.tol = t;
        return this;
    }

    public OpCheck gradTol(double t) {
        this.gradTol = t;
        return this;
    }

    /** Compare the forward only (ops with no gradient, integer outputs). */
    public OpCheck forwardOnly() {
        this.backward = false;
        return this;
    }

    /** Runs the comparison; fails with the seed and the worst element on mismatch. */
    public void run() {
        long seed = BASE_SEED ^ (name.hashCode() * 0x9E3779B97F4A7C15L);
        Rng rng = new Rng(seed);
        try {
            runWith(rng);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("[" + name + "] " + e.getMessage() + "  (seed " + BASE_SEED + ": rerun with -Dvq4j.seed=" + BASE_SEED + ")", e);
        }
    }

    private void runWith(Rng rng) {
        Tensor[] xs = new Tensor[inputs.length];
        List<Integer> gradOf = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = inputs[i].generator().apply(rng);
            if (backward && inputs[i].grad() && xs[i].dtype() == DType.FLOAT32) {
                xs[i] = xs[i].detach().requiresGrad(true);
                gradOf.add(i);
            }
        }
        Tensor out = fn.apply(xs);
        boolean differentiable = backward && out.dtype() == DType.FLOAT32 && out.requiresGrad();
        Tensor g = differentiable ? Tensor.randn(rng, out.shape()) : null;
        if (differentiable) out.backward(g);
        Map<String, TensorData> torch;
        try {
            List<Tensor> detached = new ArrayList<>();
            for (Tensor x : xs) detached.add(x.detach());
            torch = oracle.evaluate(expr, detached, g, differentiable ? gradOf : List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double fwd = compare("output", torch.get("out"), out, tol);
        double worstGrad = 0;
        if (differentiable) {
            double gt = gradTol < 0 ? Math.max(tol, REDUCTION) : gradTol;
            for (int i : gradOf) {
                TensorData expected = torch.get("grad" + i);
                Tensor ours = xs[i].grad();
                if (ours == null) ours = Tensor.zeros(xs[i].shape());
                worstGrad = Math.max(worstGrad, compare("gradient of x" + i, expected, ours, gt));
            }
        }
        report(fwd, differentiable ? worstGrad : Double.NaN);
    }

    /** Returns the worst error; throws when above tolerance. */
    static double compare(String what, TensorData expected, Tensor actual, double tol) {
        if (expected == null) throw new AssertionError(what + ": PyTorch returned nothing");
        if (!Arrays.equals(expected.shape(), actual.shape()))
            throw new AssertionError(what + ": shape " + actual.shapeString() + " but PyTorch gives " + Arrays.toString(expected.shape()));
        if (expected.dtype() != DType.FLOAT32) {
            boolean sameKind = expected.dtype() == DType.BOOL ? actual.dtype() == DType.BOOL : actual.dtype().isIntegral();
            if (!sameKind)
                throw new AssertionError(what + ": dtype " + actual.dtype().torchName() + " but PyTorch gives " + expected.dtype().torchName());
            long[] e = Tensor.fromData(expected).toLongArray(), a = actual.toLongArray();
            for (int i = 0; i < e.length; i++)
                if (e[i] != a[i]) throw new AssertionError(what + ": element " + i + " is " + a[i] + ", PyTorch gives " + e[i]);
            return 0;
        }
        if (actual.dtype() != DType.FLOAT32) throw new AssertionError(what + ": dtype " + actual.dtype() + " but PyTorch gives float32");
        float[] e = expected.floats(), a = actual.toFloatArray();
        double maxAbs = 0;
        for (float v : e) if (Float.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
        double floor = Math.max(1e-2 * maxAbs, 1e-30);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < e.length; i++) {
            double err;
            if (Float.isFinite(e[i]) && Float.isFinite(a[i])) err = Math.abs((double) a[i] - e[i]) / Math.max(Math.abs(e[i]), floor);
            else if (Float.compare(a[i], e[i]) == 0 || (Float.isNaN(a[i]) && Float.isNaN(e[i]))) continue;
            else err = Double.POSITIVE_INFINITY; // NaN or infinity on one side only: never within tolerance
            if (err > worst || worstAt < 0) { worst = err; worstAt = i; }
        }
        if (!(worst <= tol))
            throw new AssertionError(String.format("%s: error %.3g > tolerance %.1g at element %d: ours %s, PyTorch %s",
                    what, worst, tol, worstAt, a[worstAt], e[worstAt]));
        return worst;
    }

    private void report(double fwd, double grad) {
        Path file = Path.of("target", "parity-report.tsv");
        try {
            Files.createDirectories(file.getParent());
            String line = String.format("%s\t%.3g\t%s\t%.0e%n", name, fwd, Double.isNaN(grad) ? "-" : String.format("%.3g", grad), tol);
            Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the report is a convenience; the assertion above is the test
        }
    }
}
