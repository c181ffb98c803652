package dev.vq4j.autograd;

import dev.vq4j.core.DType;
import dev.vq4j.core.Device;
import dev.vq4j.core.Shapes;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Tensor#toString()}: the text PyTorch 1.13 prints for {@code str(t)} / {@code repr(t)},
 * character for character. The rules are those of PyTorch's {@code torch/_tensor_str.py} with its
 * default print options (precision 4, threshold 1000, edgeitems 3, linewidth 80); this is our own
 * code for them:
 *
 * <ul>
 *   <li>Float elements share one notation chosen from the nonzero finite values: integer style
 *       ({@code 3.}) when all are integers, unless max/min &gt; 1000 or max &gt; 1e8 (then
 *       scientific); otherwise 4 decimals, unless max/min &gt; 1000, max &gt; 1e8 or min &lt; 1e-4
 *       (then scientific, {@code 1.2346e+05}). Every element is right-aligned to the widest of those
 *       values; {@code nan}, {@code inf} and zeros do not count toward the width.</li>
 *   <li>Integers print plainly, bools as {@code True}/{@code False}, all at the widest width.</li>
 *   <li>Over 1000 elements, each dimension longer than 6 shows its first and last 3 entries around
 *       {@code ...}; the notation and width are then chosen from the shown elements only.</li>
 *   <li>Rows of a 1-D run wrap at 80 columns; sub-tensors are separated by {@code ,} and one line
 *       break per remaining dimension minus one (so 3-D blocks have a blank line between them).</li>
 *   <li>Suffixes, wrapped onto their own line past 80 columns: {@code device='...'} off the CPU,
 *       {@code dtype=torch.int32} (float32, int64 and bool are implied by the values), for an empty
 *       tensor {@code size=(0, 3)} unless it is 1-D and its dtype unless float32, then
 *       {@code grad_fn=<AddBackward0>} or {@code requires_grad=True}.</li>
 * </ul>
 */
final class TensorFormatter {
    static final int PRECISION = 4;
    static final int THRESHOLD = 1000;
    static final int EDGE_ITEMS = 3;
    static final int LINE_WIDTH = 80;
    private static final String PREFIX = "tensor(";

    private TensorFormatter() {}

    static String format(Tensor t) {
        int indent = PREFIX.length();
        List<String> suffixes = new ArrayList<>();
        if (!t.device().equals(Device.CPU)) suffixes.add("device='" + t.device() + "'");
        String body;
        if (t.numel() == 0) {
            if (t.dim() != 1) suffixes.add("size=" + tuple(t.shape()));
            if (t.dtype() != DType.FLOAT32) suffixes.add("dtype=torch." + t.dtype().torchName());
            body = "[]";
        } else {
            if (t.dtype() == DType.INT32) suffixes.add("dtype=torch." + t.dtype().torchName());
            body = new Body(t).render(indent);
        }
        String gradFnName = t.gradFn() == null ? null : gradFnName(t.gradFn().name());
        if (gradFnName != null) suffixes.add("grad_fn=<" + gradFnName + ">");
        else if (t.requiresGrad()) suffixes.add("requires_grad=True");
        return addSuffixes(PREFIX + body, suffixes, indent);
    }

    /**
     * PyTorch's name for the backward node of an op, from our op name: {@code add} becomes
     * {@code AddBackward0}, {@code leaky_relu} {@code LeakyReluBackward0}; null for a nameless node.
     */
    static String gradFnName(String opName) {
        if (opName == null || opName.isBlank()) return null;
        StringBuilder sb = new StringBuilder();
        for (String part : opName.split("_")) {
            if (part.isEmpty()) continue;
            sb.append(Character.toUpperCase(part.charAt(0))).append(part, 1, part.length());
        }
        return sb.append("Backward0").toString();
    }

    /** Python's {@code str(tuple(shape))}: {@code (0, 3)}, {@code (0,)}. */
    private static String tuple(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : ", ").append(shape[i]);
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** Appends the suffixes after ", ", or after ",\n" and the indent once the last line would pass the line width. */
    private static String addSuffixes(String body, List<String> suffixes, int indent) {
        StringBuilder sb = new StringBuilder(body);
        // PyTorch counts the last line's length plus 2 (for the ", " it will add)
        int lastLineLength = body.length() - body.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLineLength + suffix.length() + 2 > LINE_WIDTH) {
                sb.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLineLength = indent + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLineLength += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    /**
     * The bracketed values of a non-empty tensor. Only the elements that will be shown are read from
     * the device: each elided dimension is cut to its first and last EDGE_ITEMS entries first.
     */
    private static final class Body {
        private final int[] shape;    // of the shown elements: EDGE_ITEMS * 2 along elided dimensions
        private final boolean[] elided;
        private final int[] strides;  // row-major strides of the downloaded copy
        private final ElementFormat element;

        Body(Tensor t) {
            int[] full = t.shape();
            boolean summarize = t.numel() > THRESHOLD;
            elided = new boolean[full.length];
            Tensor shown = t;
            try (GradMode.Scope ignored = GradMode.noGrad()) {
                for (int d = 0; d < full.length; d++) {
                    elided[d] = summarize && full[d] > 2 * EDGE_ITEMS;
                    if (!elided[d]) continue;
                    Tensor cut = Shaping.cat(List.of(shown.narrow(d, 0, EDGE_ITEMS), shown.narrow(d, full[d] - EDGE_ITEMS, EDGE_ITEMS)), d);
                    if (shown != t) shown.close();
                    shown = cut;
                }
            }
            shape = shown.shape();
            strides = Shapes.contiguousStrides(shape);
            Object values = shown.backend().download(shown.kernelView());
            if (shown != t) shown.close();
            // the notation and width come from exactly the shown elements, as PyTorch's get_summarized_data
            element = new ElementFormat(values);
        }

        String render(int indent) {
            return shape.length == 0 ? element.format(0) : render(0, 0, indent);
        }

        private String render(int d, int base, int indent) {
            if (d == shape.length - 1) return renderRow(d, base, indent);
            List<String> slices = new ArrayList<>();
            for (int i = 0; i < shape[d]; i++) {
                if (elided[d] && i == EDGE_ITEMS) slices.add("...");
                slices.add(render(d + 1, base + i * strides[d], indent + 1));
            }
            int remainingDims = shape.length - d;
            String separator = "," + "\n".repeat(remainingDims - 1) + " ".repeat(indent + 1);
            return "[" + String.join(separator, slices) + "]";
        }

        private String renderRow(int d, int base, int indent) {
            int elementLength = element.width() + 2; // with the ", " between elements
            int perLine = Math.max(1, Math.floorDiv(LINE_WIDTH - indent, elementLength));
            List<String> items = new ArrayList<>();
            for (int i = 0; i < shape[d]; i++) {
                if (elided[d] && i == EDGE_ITEMS) items.add(" ...");
                items.add(element.format(base + i * strides[d]));
            }
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) sb.append(i % perLine == 0 ? ",\n" + " ".repeat(indent + 1) : ", ");
                sb.append(items.get(i));
            }
            return sb.append(']').toString();
        }
    }

    /** One notation and width for all shown elements, chosen from them (PyTorch's _Formatter). */
    private static final class ElementFormat {
        private final Object values;
        private final boolean floating;
        private boolean intMode = true;
        private boolean sciMode = false;
        private int width = 1;

        ElementFormat(Object values) {
            this.values = values;
            this.floating = values instanceof float[];
            int n = java.lang.reflect.Array.getLength(values);
            if (!floating) {
                for (int i = 0; i < n; i++) width = Math.max(width, plain(i).length());
                return;
            }
            float[] v = (float[]) values;
            double min = Double.POSITIVE_INFINITY, max = 0;
            boolean any = false;
            for (float x : v) {
                if (x == 0 || !Float.isFinite(x)) continue;
                any = true;
                double a = Math.abs((double) x);
                min = Math.min(min, a);
                max = Math.max(max, a);
                if (x != (float) Math.ceil(x)) intMode = false;
            }
            if (!any) return;
            boolean wideRange = max / min > 1000.0 || max > 1.0e8;
            sciMode = intMode ? wideRange : wideRange || min < 1.0e-4;
            for (float x : v) {
                if (x == 0 || !Float.isFinite(x)) continue;
                int w = sciMode ? scientific(x).length() : intMode ? fixed(x, 0).length() + 1 : fixed(x, PRECISION).length();
                width = Math.max(width, w);
            }
        }

        int width() {
            return width;
        }

        String format(int i) {
            String s;
            if (!floating) s = plain(i);
            else {
                double x = ((float[]) values)[i];
                if (sciMode) s = scientific(x);
                else if (intMode) s = Double.isFinite(x) ? fixed(x, 0) + "." : fixed(x, 0);
                else s = fixed(x, PRECISION);
            }
            return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
        }

        private String plain(int i) {
            if (values instanceof long[] l) return Long.toString(l[i]);
            if (values instanceof int[] n) return Integer.toString(n[i]);
            if (values instanceof boolean[] b) return b[i] ? "True" : "False";
            throw new IllegalStateException("unexpected element array " + values.getClass());
        }
    }

    /** Python's {@code '{:.Nf}'.format(x)}: correctly rounded, ties to even, the sign of -0 kept. */
    static String fixed(double x, int decimals) {
        if (!Double.isFinite(x)) return nonFinite(x);
        String s = new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return isNegative(x) && !s.startsWith("-") ? "-" + s : s;
    }

    /** Python's {@code '{:.4e}'.format(x)}: {@code 1.2346e+05}, {@code -3.0000e-07}. */
    static String scientific(double x) {
        if (!Double.isFinite(x)) return nonFinite(x);
        String sign = isNegative(x) ? "-" : "";
        if (x == 0) return sign + "0." + "0".repeat(PRECISION) + "e+00";
        BigDecimal r = new BigDecimal(x).abs().round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
        int exponent = r.precision() - r.scale() - 1;
        StringBuilder digits = new StringBuilder(r.unscaledValue().toString());
        while (digits.length() < PRECISION + 1) digits.append('0');
        int e = Math.abs(exponent);
        return sign + digits.charAt(0) + "." + digits.substring(1, PRECISION + 1)
                + (exponent < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + e;
    }

    private static boolean isNegative(double x) {
        return Double.doubleToRawLongBits(x) < 0;
    }

    private static String nonFinite(double x) {
        return Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
    }
}
