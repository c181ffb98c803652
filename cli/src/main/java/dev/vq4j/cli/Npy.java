package dev.vq4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy .npy files (format version 1.0) of int64 arrays: what {@code numpy.load} reads and {@code numpy.save} writes. */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|=]?[a-z]\\d+)'"),
            FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)"), SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {}

    record Array(int[] shape, long[] data) {}

    /** Writes a C-ordered little-endian int64 array; the header is padded so the data starts at a multiple of 64 bytes. */
    static void writeInt64(Path path, long[] data, int[] shape) throws IOException {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) s.append(i > 0 ? ", " : "").append(shape[i]);
        if (shape.length == 1) s.append(',');
        s.append(')');
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': " + s + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + h.length + 8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        for (long v : data) b.putLong(v);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.write(path, b.array());
    }

    /** Reads an integer array (int64 or int32, either byte order, C order). */
    static Array readIntegers(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10) throw new IllegalArgumentException(path + " is not a .npy file (too short)");
        for (int i = 0; i < MAGIC.length; i++)
            if (bytes[i] != MAGIC[i]) throw new IllegalArgumentException(path + " is not a .npy file (no \\x93NUMPY magic)");
        int major = bytes[6];
        int headerLen, start;
        if (major == 1) { headerLen = Short.toUnsignedInt(b.getShort(8)); start = 10; }
        else if (major == 2 || major == 3) { headerLen = b.getInt(8); start = 12; }
        else throw new IllegalArgumentException(path + ": unsupported .npy version " + major);
        if (headerLen < 0 || (long) start + headerLen > bytes.length)
            throw new IllegalArgumentException(path + ": the header length at offset 8 says " + Integer.toUnsignedString(headerLen) + " bytes, the file has "
                    + (bytes.length - start) + " after it (truncated or not a .npy file)");
        String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new IllegalArgumentException(path + ": cannot parse the .npy header " + header.strip());
        if (f.group(1).equals("True")) throw new IllegalArgumentException(path + ": Fortran-ordered arrays are not supported");
        String descr = d.group(1);
        List<Integer> dims = new ArrayList<>();
        long n = 1;
        for (String part : s.group(1).split(",")) {
            if (part.isBlank()) continue;
            int dim;
            try {
                dim = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(path + ": the header's shape (" + s.group(1).strip() + ") has '" + part.strip() + "', not a dimension");
            }
            if (dim < 0) throw new IllegalArgumentException(path + ": the header's shape (" + s.group(1).strip() + ") has a negative dimension");
            dims.add(dim);
            n *= dim;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(path + ": shape " + dims + "... has more than 2^31 elements");
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        int width = switch (descr.replaceAll("^[<>|=]", "")) {
            case "i8", "u8" -> 8;
            case "i4", "u4" -> 4;
            default -> throw new IllegalArgumentException(path + ": expected integer codes (int64 or int32), the file holds dtype " + descr);
        };
        if (start + headerLen + n * width != bytes.length)
            throw new IllegalArgumentException(path + ": shape " + dims + " of " + descr + " needs " + n * width + " bytes of data, the file has "
                    + (bytes.length - start - headerLen) + (start + headerLen + n * width > bytes.length ? " (truncated)" : " (trailing bytes)"));
        ByteBuffer body = ByteBuffer.wrap(bytes, start + headerLen, (int) (n * width)).order(descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long[] data = new long[(int) n];
        for (int i = 0; i < n; i++) data[i] = width == 8 ? body.getLong() : body.getInt();
        return new Array(shape, data);
    }
}
