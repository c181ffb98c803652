package dev.vq4j.core;

import java.util.Locale;

/**
 * Where a tensor's memory lives and which backend runs its kernels: {@code cpu} (the fast host
 * backend), {@code reference} (plain loops that define the semantics), later {@code opencl:n} and
 * {@code cuda:n}. Two tensors on different devices never meet in one op without an explicit
 * {@code to(device)}.
 */
public record Device(String type, int index) {

    public static final Device CPU = new Device("cpu", 0);
    public static final Device REFERENCE = new Device("reference", 0);

    public Device {
        if (type == null || type.isBlank()) throw new IllegalArgumentException("device type is empty");
        if (index < 0) throw new IllegalArgumentException("device index must be >= 0, got " + index);
    }

    /**
     * Parses {@code "cpu"}, {@code "reference"}, {@code "cuda"}, {@code "cuda:1"}, {@code "opencl:0"} or
     * {@code "auto"} (the best registered backend).
     */
    public static Device parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("device spec is empty");
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) return Backends.best().device();
        int colon = s.indexOf(':');
        if (colon < 0) return new Device(s, 0);
        String type = s.substring(0, colon);
        try {
            return new Device(type, Integer.parseInt(s.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("device '" + spec + "': index after ':' is not a number");
        }
    }

    @Override
    public String toString() {
        return index == 0 && (type.equals("cpu") || type.equals("reference")) ? type : type + ":" + index;
    }
}
