package dev.vq4j.autograd.nn;

import java.math.BigDecimal;

/** Python's spelling of numbers and tuples, so module reprs read like PyTorch's. */
final class Repr {
    private Repr() {}

    /** Python's repr of a float: 0.1, 1e-05, 1.0, 1e+16. */
    static String pyFloat(float v) {
        return pyFloat(Float.toString(v));
    }

    static String pyFloat(double v) {
        return pyFloat(Double.toString(v));
    }

    /** Python switches to exponent notation below 1e-4 and from 1e16, with at least two exponent digits. */
    private static String pyFloat(String shortest) {
        if (shortest.equals("NaN")) return "nan";
        if (shortest.endsWith("Infinity")) return shortest.startsWith("-") ? "-inf" : "inf";
        BigDecimal d = new BigDecimal(shortest);
        if (d.signum() == 0) return shortest.startsWith("-") ? "-0.0" : "0.0";
        d = d.stripTrailingZeros();
        int exp = d.precision() - d.scale() - 1;
        if (exp >= -4 && exp < 16) {
            String plain = d.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = d.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = String.format("%02d", Math.abs(exp));
        return (d.signum() < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + e;
    }

    /** Python's tuple spelling: (3, 3), (8,). */
    static String tuple(int... values) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) sb.append(i > 0 ? ", " : "").append(values[i]);
        return sb.append(values.length == 1 ? ",)" : ")").toString();
    }

    static String bool(boolean b) {
        return b ? "True" : "False";
    }
}
