package dev.vq4j.models.vqvae;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed, checked reads from a parsed JSON object, with errors that name the file's key. */
public final class ConfigReader {
    private final String what;
    private final Map<String, Object> map;

    public ConfigReader(String what, Object parsed, Set<String> known) {
        this.what = what;
        if (!(parsed instanceof Map<?, ?> m)) throw new IllegalArgumentException(what + ": expected a JSON object");
        @SuppressWarnings("unchecked") Map<String, Object> typed = (Map<String, Object>) m;
        this.map = typed;
        for (String k : map.keySet())
            if (!known.contains(k)) throw new IllegalArgumentException(what + ": unknown key \"" + k + "\" (known: " + String.join(", ", known) + ")");
    }

    public boolean has(String key) {
        return map.containsKey(key) && map.get(key) != null;
    }

    public int integer(String key, int fallback) {
        if (!has(key)) return fallback;
        if (!(map.get(key) instanceof Long l) || l != (int) (long) l)
            throw new IllegalArgumentException(what + ": \"" + key + "\" must be an integer, got " + map.get(key));
        return (int) (long) l;
    }

    public long longValue(String key, long fallback) {
        if (!has(key)) return fallback;
        if (!(map.get(key) instanceof Long l)) throw new IllegalArgumentException(what + ": \"" + key + "\" must be an integer, got " + map.get(key));
        return l;
    }

    public double number(String key, double fallback) {
        if (!has(key)) return fallback;
        if (!(map.get(key) instanceof Number n)) throw new IllegalArgumentException(what + ": \"" + key + "\" must be a number, got " + map.get(key));
        return n.doubleValue();
    }

    public String string(String key, String fallback) {
        if (!has(key)) return fallback;
        if (!(map.get(key) instanceof String s)) throw new IllegalArgumentException(what + ": \"" + key + "\" must be a string, got " + map.get(key));
        return s;
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) return fallback;
        if (!(map.get(key) instanceof Boolean b)) throw new IllegalArgumentException(what + ": \"" + key + "\" must be true or false, got " + map.get(key));
        return b;
    }

    public Object raw(String key) {
        return map.get(key);
    }

    public long[] longs(String key) {
        if (!(map.get(key) instanceof List<?> l)) throw new IllegalArgumentException(what + ": \"" + key + "\" must be an array of integers");
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long v)) throw new IllegalArgumentException(what + ": \"" + key + "\" must be an array of integers");
            out[i] = v;
        }
        return out;
    }
}
