package dev.vq4j.core.io;

import dev.vq4j.core.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Round trips of every dtype, and each way a file can break the format rejected with a message that says how. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    // ---- helpers ------------------------------------------------------------------------------------

    /** A file: 8-byte little-endian header length, the header, the data. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).put(data).array();
    }

    static byte[] le(int bytesPerValue, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * bytesPerValue).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytesPerValue) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    static void rejected(byte[] bytes, String... parts) {
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.parse(bytes));
        for (String p : parts) assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
    }

    // ---- round trips -----------------------------------------------------------------------------

    @Test
    void roundTripOfEveryWritableDtype() throws IOException {
        Map<String, TensorData> in = new LinkedHashMap<>();
        in.put("f32", new TensorData(DType.FLOAT32, new int[] {2, 3},
                new float[] {1.5f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -3.4e38f}));
        in.put("i64", new TensorData(DType.INT64, new int[] {3}, new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}));
        in.put("i32", new TensorData(DType.INT32, new int[] {2, 1}, new int[] {Integer.MIN_VALUE, 7}));
        in.put("bool", new TensorData(DType.BOOL, new int[] {5}, new boolean[] {true, false, false, true, true}));
        in.put("scalar", new TensorData(DType.FLOAT32, new int[0], new float[] {42f}));
        in.put("empty", new TensorData(DType.FLOAT32, new int[] {0, 3}, new float[0]));
        Path p = dir.resolve("all.safetensors");
        SafeTensors.write(p, in, Map.of("format", "pt", "note", "\"quoted\" \\ ünïcödé"));
        SafeTensors.Contents out = SafeTensors.readWithMetadata(p);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(out.tensors().keySet()), "file order is kept");
        for (String k : in.keySet()) {
            TensorData a = in.get(k), b = out.tensors().get(k);
            assertEquals(a.dtype(), b.dtype(), k);
            assertArrayEquals(a.shape(), b.shape(), k);
            switch (a.data()) {
                case float[] f -> {
                    float[] g = (float[]) b.data();
                    assertEquals(f.length, g.length);
                    for (int i = 0; i < f.length; i++) assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(g[i]), k + "[" + i + "]");
                }
                case long[] l -> assertArrayEquals(l, (long[]) b.data(), k);
                case int[] n -> assertArrayEquals(n, (int[]) b.data(), k);
                case boolean[] z -> assertArrayEquals(z, (boolean[]) b.data(), k);
                default -> fail(k);
            }
        }
        assertEquals(Map.of("format", "pt", "note", "\"quoted\" \\ ünïcödé"), out.metadata());
        byte[] raw = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, (8 + n) % 8, "data section starts 8-byte aligned");
    }

    @Test
    void writtenLayoutIsTheReferenceOne() throws IOException {
        Path p = dir.resolve("one.safetensors");
        SafeTensors.write(p, Map.of("w", TensorData.of(new float[] {1f, 2f}, 2)));
        byte[] raw = Files.readAllBytes(p);
        long n = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(raw, 8, (int) n, StandardCharsets.UTF_8).strip();
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header);
        assertEquals(8 + n + 8, raw.length);
        assertEquals(2f, ByteBuffer.wrap(raw, (int) (8 + n + 4), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }

    @Test
    void readsF16() {
        // 1, -2, 0.5, +inf, 65504 (largest half), 2^-24 (smallest subnormal), NaN
        byte[] b = file("{" + entry("h", "F16", "[7]", 0, 14) + "}", le(2, 0x3C00, 0xC000, 0x3800, 0x7C00, 0x7BFF, 0x0001, 0x7E00));
        TensorData t = SafeTensors.parse(b).tensors().get("h");
        assertEquals(DType.FLOAT32, t.dtype());
        float[] v = t.floats();
        assertArrayEquals(new float[] {1f, -2f, 0.5f, Float.POSITIVE_INFINITY, 65504f, 0x1p-24f}, java.util.Arrays.copyOf(v, 6), 0f);
        assertTrue(Float.isNaN(v[6]));
    }

    @Test
    void readsBF16() {
        // 1, -2.5, 3.140625 (pi rounded to bf16), -inf
        byte[] b = file("{" + entry("b", "BF16", "[2,2]", 0, 8) + "}", le(2, 0x3F80, 0xC020, 0x4049, 0xFF80));
        TensorData t = SafeTensors.parse(b).tensors().get("b");
        assertArrayEquals(new int[] {2, 2}, t.shape());
        assertArrayEquals(new float[] {1f, -2.5f, 3.140625f, Float.NEGATIVE_INFINITY}, t.floats(), 0f);
    }

    @Test
    void readsF64AsFloat32() {
        byte[] b = file("{" + entry("d", "F64", "[3]", 0, 24) + "}",
                le(8, Double.doubleToLongBits(-7.25), Double.doubleToLongBits(1e-3), Double.doubleToLongBits(1e300)));
        TensorData t = SafeTensors.parse(b).tensors().get("d");
        assertEquals(DType.FLOAT32, t.dtype());
        assertArrayEquals(new float[] {-7.25f, 1e-3f, Float.POSITIVE_INFINITY}, t.floats(), 0f);
    }

    @Test
    void readsU8AndI32AsInt32() {
        byte[] b = file("{" + entry("u", "U8", "[3]", 0, 3) + "," + entry("i", "I32", "[1]", 3, 7) + "}",
                concat(le(1, 0, 255, 128), le(4, -5)));
        Map<String, TensorData> t = SafeTensors.parse(b).tensors();
        assertEquals(DType.INT32, t.get("u").dtype());
        assertArrayEquals(new int[] {0, 255, 128}, (int[]) t.get("u").data());
        assertArrayEquals(new int[] {-5}, (int[]) t.get("i").data());
    }

    @Test
    void readsI64AndBool() {
        byte[] b = file("{" + entry("z", "BOOL", "[2]", 8, 10) + "," + entry("l", "I64", "[1]", 0, 8) + "}", concat(le(8, -9), le(1, 1, 0)));
        Map<String, TensorData> t = SafeTensors.parse(b).tensors();
        assertArrayEquals(new long[] {-9}, t.get("l").longs());
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) t.get("z").data());
        assertEquals(List.of("z", "l"), List.copyOf(t.keySet()), "header order, not data order");
    }

    @Test
    void emptyFileWithNoTensors() {
        SafeTensors.Contents c = SafeTensors.parse(file("{}", new byte[0]));
        assertTrue(c.tensors().isEmpty());
        assertTrue(c.metadata().isEmpty());
        assertTrue(SafeTensors.parse(file("{}      ", new byte[0])).tensors().isEmpty(), "space padding after the JSON is allowed");
    }

    @Test
    void emptyTensorWithHugeOtherDims() {
        TensorData t = SafeTensors.parse(file("{" + entry("e", "F32", "[0,2147483647,2147483647]", 0, 0) + "}", new byte[0])).tensors().get("e");
        assertEquals(0, t.numel());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    // ---- metadata ---------------------------------------------------------------------------------

    @Test
    void metadataIsReturnedAndMustBeStrings() {
        byte[] ok = file("{\"__metadata__\":{\"format\":\"pt\"}," + entry("a", "F32", "[1]", 0, 4) + "}", le(4, 0));
        SafeTensors.Contents c = SafeTensors.parse(ok);
        assertEquals(Map.of("format", "pt"), c.metadata());
        assertEquals(List.of("a"), List.copyOf(c.tensors().keySet()), "__metadata__ is not a tensor");
        rejected(file("{\"__metadata__\":{\"epoch\":3}}", new byte[0]), "__metadata__", "epoch", "not a string");
        rejected(file("{\"__metadata__\":[\"x\"]}", new byte[0]), "__metadata__ is not an object");
    }

    @Test
    void metadataIsNotATensorName() {
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(dir.resolve("m.safetensors"), Map.of("__metadata__", TensorData.of(new float[] {1}, 1))));
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    // ---- corruption ------------------------------------------------------------------------------

    @Test
    void shorterThanTheLengthField() {
        rejected(new byte[5], "5 bytes", "8-byte header length");
    }

    @Test
    void headerLengthAboveTheCap() {
        byte[] b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(SafeTensors.MAX_HEADER_BYTES + 1).array();
        rejected(b, "header length", "exceeds the limit");
        byte[] neg = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array();
        rejected(neg, "18446744073709551615", "exceeds the limit");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() {
        byte[] b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(100).put("{}".getBytes()).array();
        rejected(b, "header length 100", "past the end of the file", "20 bytes");
    }

    @Test
    void invalidJson() {
        rejected(file("{\"a\":", new byte[0]), "not valid JSON");
        rejected(file("{\"a\":{}} x", new byte[0]), "not valid JSON");
        rejected(file("{'a':1}", new byte[0]), "not valid JSON");
    }

    @Test
    void invalidUtf8InHeader() {
        byte[] h = {'{', '"', (byte) 0xC3, '"', ':', '1', '}'};
        byte[] b = ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
        rejected(b, "not valid UTF-8");
    }

    @Test
    void headerNotAnObject() {
        rejected(file("[1,2]", new byte[0]), "not a JSON object");
        rejected(file("\"x\"", new byte[0]), "not a JSON object");
        rejected(file("{\"a\":[1]}", new byte[0]), "tensor 'a'", "not an object");
    }

    @Test
    void unknownDtype() {
        rejected(file("{" + entry("a", "F8_E4M3", "[1]", 0, 1) + "}", new byte[1]), "tensor 'a'", "unsupported dtype F8_E4M3");
        rejected(file("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 'a'", "unsupported dtype null");
    }

    @Test
    void offsetsWithAHole() {
        rejected(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", new byte[12]),
                "tensor 'b'", "starts at 8", "ends at 4");
        rejected(file("{" + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]), "tensor 'a'", "starts at 4");
    }

    @Test
    void overlappingOffsets() {
        rejected(file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", new byte[12]),
                "tensor 'b'", "starts at 4", "ends at 8");
        rejected(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 0, 4) + "}", new byte[4]), "starts at 0", "ends at 4");
    }

    @Test
    void sizeDisagreesWithShapeTimesDtype() {
        rejected(file("{" + entry("a", "F32", "[3]", 0, 8) + "}", new byte[8]), "tensor 'a'", "8 bytes", "[3]", "needs 12");
        rejected(file("{" + entry("a", "F16", "[2,2]", 0, 16) + "}", new byte[16]), "tensor 'a'", "needs 8");
    }

    @Test
    void trailingBytes() {
        rejected(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", new byte[6]), "6 bytes", "cover 4", "trailing bytes");
    }

    @Test
    void truncatedData() {
        rejected(file("{" + entry("a", "F32", "[4]", 0, 16) + "}", new byte[10]), "10 bytes", "cover 16", "truncated");
    }

    @Test
    void hugeShapeOverflow() {
        rejected(file("{" + entry("a", "F32", "[2147483647,2147483647,2147483647]", 0, 4) + "}", new byte[4]), "tensor 'a'", "overflows");
        rejected(file("{" + entry("a", "F64", "[2147483647,2147483647,4]", 0, 4) + "}", new byte[4]), "tensor 'a'", "overflows");
        rejected(file("{" + entry("a", "U8", "[65536,65536]", 0, 4) + "}", new byte[4]), "tensor 'a'", "more than 2^31-1");
        rejected(file("{" + entry("a", "F32", "[4294967296]", 0, 4) + "}", new byte[4]), "tensor 'a'", "shape entry 4294967296");
    }

    @Test
    void negativeOrNonIntegerDims() {
        rejected(file("{" + entry("a", "F32", "[-1]", 0, 4) + "}", new byte[4]), "tensor 'a'", "shape entry -1", "non-negative");
        rejected(file("{" + entry("a", "F32", "[2.0]", 0, 8) + "}", new byte[8]), "tensor 'a'", "shape entry 2.0");
        rejected(file("{" + entry("a", "F32", "3", 0, 12) + "}", new byte[12]), "tensor 'a'", "shape is not an array");
    }

    @Test
    void malformedOffsets() {
        rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]), "tensor 'a'", "two integers");
        rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", new byte[4]), "tensor 'a'", "two integers");
        rejected(file("{" + entry("a", "F32", "[0]", 4, 0) + "}", new byte[4]), "tensor 'a'", "[4, 0]", "invalid");
        rejected(file("{" + entry("a", "F32", "[1]", -4, 0) + "}", new byte[4]), "tensor 'a'", "invalid");
    }

    @Test
    void duplicateKeys() {
        rejected(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]), "duplicate key 'a'");
    }

    @Test
    void boolBytesOtherThanZeroOrOne() {
        rejected(file("{" + entry("m", "BOOL", "[3]", 0, 3) + "}", le(1, 0, 2, 1)), "tensor 'm'", "byte value 2");
    }

    @Test
    void readingAFileNamesThePath() throws IOException {
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, file("[]", new byte[0]));
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    }

    // ---- atomic writes ------------------------------------------------------------------------------

    @Test
    void writeReplacesAtomicallyAndLeavesNoTempFiles() throws IOException {
        Path p = dir.resolve("sub/dir/model.safetensors");
        SafeTensors.write(p, Map.of("a", TensorData.of(new float[] {1, 2, 3}, 3)));
        SafeTensors.write(p, Map.of("b", TensorData.of(new float[] {4}, 1)));
        Map<String, TensorData> t = SafeTensors.read(p);
        assertEquals(List.of("b"), List.copyOf(t.keySet()));
        try (var files = Files.list(p.getParent())) {
            assertEquals(List.of(p.getFileName().toString()), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void failedWriteLeavesNoPartialFile() throws IOException {
        // the rename onto a non-empty directory fails after the temp file was fully written
        Path target = dir.resolve("taken");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "x");
        assertThrows(IOException.class, () -> SafeTensors.write(target, Map.of("a", TensorData.of(new float[] {1}, 1))));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("taken"), files.map(f -> f.getFileName().toString()).toList(), "temp file left behind");
        }
        assertTrue(Files.isDirectory(target));
        assertEquals("x", Files.readString(target.resolve("keep.txt")));
    }
}
