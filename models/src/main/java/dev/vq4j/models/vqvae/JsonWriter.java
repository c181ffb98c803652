package dev.vq4j.models.vqvae;

import dev.vq4j.core.io.Json;

import java.util.List;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers and booleans as JSON (the inverse of {@link Json#parse}).
 * Doubles are written with Java's shortest round-trip form, so a value read back is bit-identical.
 */
public final class JsonWriter {
    private JsonWriter() {}

    /** Pretty-printed with two-space indents (for config files people read). */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, true);
        return sb.append('\n').toString();
    }

    /** On one line (for JSONL logs). */
    public static String compact(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0, false);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, int depth, boolean pretty) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> sb.append(Json.quote(s));
            case Boolean b -> sb.append(b);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Float f -> number(sb, Float.toString(f), Float.isFinite(f));
            case Double d -> number(sb, Double.toString(d), Double.isFinite(d));
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    first = false;
                    newline(sb, depth + 1, pretty);
                    sb.append(Json.quote(String.valueOf(e.getKey()))).append(pretty ? ": " : ":");
                    write(sb, e.getValue(), depth + 1, pretty);
                }
                if (!m.isEmpty()) newline(sb, depth, pretty);
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(pretty ? ", " : ",");
                    write(sb, l.get(i), depth + 1, pretty);
                }
                sb.append(']');
            }
            default -> throw new IllegalArgumentException("JsonWriter: cannot write a " + v.getClass().getSimpleName());
        }
    }

    private static void number(StringBuilder sb, String text, boolean finite) {
        // JSON has no NaN or Infinity: write them as strings so a log line stays parseable
        sb.append(finite ? text : Json.quote(text));
    }

    private static void newline(StringBuilder sb, int depth, boolean pretty) {
        if (pretty) sb.append('\n').append("  ".repeat(depth));
    }
}
