package dev.vq4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernels as PTX, resources under {@code dev/vq4j/cuda/} written by {@code build-ptx.sh} when
 * the module was built with nvcc: one PTX per virtual architecture, newest first. The driver
 * JIT-compiles PTX for any device of the same or a later compute capability, so a device gets the
 * newest PTX whose architecture it reaches. Also reads each kernel's parameter list from the PTX,
 * so that a launch can be checked against it (CUDA itself does not check kernel arguments).
 */
public final class CudaPtx {
    /** A PTX resource and the compute capability (major * 10 + minor) it needs. */
    public record Target(String resource, int computeCapability) {}

    /** Newest first; build-ptx.sh writes these files. */
    public static final List<Target> TARGETS = List.of(
            new Target("/dev/vq4j/cuda/vq4j.ptx", 90),
            new Target("/dev/vq4j/cuda/vq4j-compute75.ptx", 75));

    public static final String NO_PTX = "built without nvcc: no PTX in the jar (rebuild vq4j-cuda with CUDA's nvcc on PATH)";

    private CudaPtx() {}

    /** The PTX targets present in the jar, newest first. */
    public static List<Target> present() {
        List<Target> out = new ArrayList<>();
        for (Target t : TARGETS) if (CudaPtx.class.getResource(t.resource()) != null) out.add(t);
        return out;
    }

    /** The newest PTX target present that a device of compute capability major.minor runs, or null. */
    public static Target select(int major, int minor) {
        int cc = major * 10 + minor;
        for (Target t : present()) if (t.computeCapability() <= cc) return t;
        return null;
    }

    /** Why no PTX suits a device of this compute capability, or null when one does. */
    public static String unsuitableReason(int major, int minor) {
        List<Target> present = present();
        if (present.isEmpty()) return NO_PTX;
        if (select(major, minor) != null) return null;
        Target oldest = present.getLast();
        return "compute capability " + major + "." + minor + " is below " + oldest.computeCapability() / 10 + "."
                + oldest.computeCapability() % 10 + ", the oldest PTX target in the jar";
    }

    public static String text(Target t) {
        try (InputStream in = CudaPtx.class.getResourceAsStream(t.resource())) {
            if (in == null) throw new IllegalStateException("PTX resource " + t.resource() + " is missing from the vq4j-cuda jar");
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PTX as cuModuleLoadData wants it: the text's bytes and a terminating NUL. */
    public static byte[] image(String ptx) {
        byte[] b = ptx.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        return out;
    }

    /** What a kernel parameter is in PTX: its state-space type and size in bytes. */
    public enum Kind { U64, U32, F32, U8, F64, U16, STRUCT }

    public record Param(Kind kind, int bytes) {
        @Override
        public String toString() {
            return kind == Kind.STRUCT ? "struct[" + bytes + " bytes]" : kind.name().toLowerCase();
        }
    }

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile(
            "\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.([usbf])(\\d+)\\s+"
                    + "(?:\\.ptr(?:\\s+\\.(?:global|const|local|shared))?(?:\\s+\\.align\\s+\\d+)?\\s+)?\\w+(?:\\[(\\d+)\\])?");

    /** Every {@code .entry} of a PTX text with its parameters, in the order of the file. */
    public static Map<String, List<Param>> entries(String ptx) {
        Map<String, List<Param>> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<Param> params = new ArrayList<>();
            String body = m.group(2).trim();
            if (!body.isEmpty()) {
                for (String p : body.split(",")) {
                    Matcher pm = PARAM.matcher(p.trim());
                    if (!pm.matches()) throw new IllegalStateException("kernel " + m.group(1) + ": unreadable PTX parameter '" + p.trim() + "'");
                    params.add(param(pm.group(1).charAt(0), Integer.parseInt(pm.group(2)), pm.group(3)));
                }
            }
            out.put(m.group(1), List.copyOf(params));
        }
        return out;
    }

    private static Param param(char type, int bits, String array) {
        if (array != null) return new Param(Kind.STRUCT, Integer.parseInt(array) * bits / 8);
        return switch (bits) {
            case 64 -> new Param(type == 'f' ? Kind.F64 : Kind.U64, 8);
            case 32 -> new Param(type == 'f' ? Kind.F32 : Kind.U32, 4);
            case 16 -> new Param(Kind.U16, 2);
            case 8 -> new Param(Kind.U8, 1);
            default -> throw new IllegalStateException("PTX parameter of " + bits + " bits");
        };
    }
}
