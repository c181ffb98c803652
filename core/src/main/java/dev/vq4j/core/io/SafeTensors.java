package dev.vq4j.core.io;

import dev.vq4j.core.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON mapping each name to {dtype, shape, data_offsets} (plus an
 * optional "__metadata__" map of strings), then the raw little-endian tensor bytes.
 *
 * <p>Reading applies the reference reader's checks. Writing is atomic: temp file, fsync, rename.
 */
public final class SafeTensors {
    /** The reference implementation refuses headers above 100 MB. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private SafeTensors() {}

    /** What a file holds: tensors in file order and the metadata strings. */
    public record Contents(Map<String, TensorData> tensors, Map<String, String> metadata) {}

    public static Map<String, TensorData> read(Path path) throws IOException {
        return readWithMetadata(path).tensors();
    }

    public static Contents readWithMetadata(Path path) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (OutOfMemoryError e) {
            throw new IOException(path + ": file too large to read into memory", e);
        }
        try {
            return parse(bytes);
        } catch (SafeTensorsFormatException e) {
            throw new SafeTensorsFormatException(path + ": " + e.getMessage());
        }
    }

    /** Parses a whole safetensors file held in memory. */
    public static Contents parse(byte[] bytes) {
        if (bytes.length < 8) throw new SafeTensorsFormatException("file is " + bytes.length + " bytes, shorter than the 8-byte header length");
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES)
            throw new SafeTensorsFormatException("header length " + Long.toUnsignedString(n) + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        if (8 + n > bytes.length)
            throw new SafeTensorsFormatException("header length " + n + " runs past the end of the file (" + bytes.length + " bytes)");
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsFormatException("header is not valid UTF-8: " + e.getMessage());
        }
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsFormatException("header is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> header)) throw new SafeTensorsFormatException("header is not a JSON object");
        long dataStart = 8 + n;
        long dataLength = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        record Entry(String name, DType fileType, FileDType raw, int[] shape, long begin, long end) {}
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) throw new SafeTensorsFormatException("__metadata__ is not an object");
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String s))
                        throw new SafeTensorsFormatException("__metadata__ value for '" + m.getKey() + "' is not a string");
                    metadata.put((String) m.getKey(), s);
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> info)) throw new SafeTensorsFormatException("tensor '" + name + "': entry is not an object");
            FileDType raw = FileDType.parse(name, info.get("dtype"));
            int[] shape = parseShape(name, info.get("shape"));
            long[] offsets = parseOffsets(name, info.get("data_offsets"));
            entries.add(new Entry(name, raw.target, raw, shape, offsets[0], offsets[1]));
        }
        // offsets must tile [0, dataLength) exactly: sorted, contiguous, no holes, no overlap
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin != expected)
                throw new SafeTensorsFormatException("tensor '" + e.name + "': data starts at " + e.begin + " but the previous tensor ends at "
                        + expected + " (offsets must be contiguous with no holes or overlap)");
            long size = byteSize(e.name, e.shape, e.raw);
            if (e.end - e.begin != size)
                throw new SafeTensorsFormatException("tensor '" + e.name + "': " + (e.end - e.begin) + " bytes of data for shape "
                        + java.util.Arrays.toString(e.shape) + " of " + e.raw.name + " (needs " + size + ")");
            expected = e.end;
        }
        if (expected != dataLength)
            throw new SafeTensorsFormatException("data section is " + dataLength + " bytes but the tensors cover " + expected
                    + (expected < dataLength ? " (trailing bytes)" : " (file truncated)"));
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            ByteBuffer slice = ByteBuffer.wrap(bytes, (int) (dataStart + e.begin), (int) (e.end - e.begin)).slice().order(ByteOrder.LITTLE_ENDIAN);
            Object values;
            try {
                values = e.raw.decode(slice, (int) ((e.end - e.begin) / e.raw.bytes));
            } catch (SafeTensorsFormatException bad) {
                throw new SafeTensorsFormatException("tensor '" + e.name + "': " + bad.getMessage());
            }
            tensors.put(e.name, new TensorData(e.fileType, e.shape, values));
        }
        return new Contents(tensors, metadata);
    }

    /** Bytes a tensor needs; a shape whose size overflows is a format error, not an arithmetic one. */
    private static long byteSize(String name, int[] shape, FileDType type) {
        try {
            long count = 1;
            for (int d : shape) count = Math.multiplyExact(count, d);
            if (count > Integer.MAX_VALUE)
                throw new SafeTensorsFormatException("tensor '" + name + "': shape " + java.util.Arrays.toString(shape)
                        + " has " + count + " elements, more than 2^31-1");
            return Math.multiplyExact(count, type.bytes);
        } catch (ArithmeticException overflow) {
            throw new SafeTensorsFormatException("tensor '" + name + "': shape " + java.util.Arrays.toString(shape) + " overflows a 64-bit size");
        }
    }

    private static int[] parseShape(String name, Object value) {
        if (!(value instanceof List<?> list)) throw new SafeTensorsFormatException("tensor '" + name + "': shape is not an array");
        int[] shape = new int[list.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE)
                throw new SafeTensorsFormatException("tensor '" + name + "': shape entry " + list.get(i) + " is not a non-negative integer below 2^31");
            shape[i] = (int) (long) l;
        }
        return shape;
    }

    private static long[] parseOffsets(String name, Object value) {
        if (!(value instanceof List<?> list) || list.size() != 2 || !(list.get(0) instanceof Long b) || !(list.get(1) instanceof Long e))
            throw new SafeTensorsFormatException("tensor '" + name + "': data_offsets must be an array of two integers");
        if (b < 0 || e < b) throw new SafeTensorsFormatException("tensor '" + name + "': data_offsets [" + b + ", " + e + "] are invalid");
        return new long[] {b, e};
    }

    /** Writes tensors (in the given order) atomically: a temp file beside the target, fsync, rename. */
    public static void write(Path path, Map<String, TensorData> tensors, Map<String, String> metadata) throws IOException {
        StringBuilder json = new StringBuilder("{");
        boolean first = true;
        if (metadata != null && !metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            boolean f = true;
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                if (!f) json.append(',');
                f = false;
                json.append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
            }
            json.append('}');
            first = false;
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
            TensorData t = e.getValue();
            long size = (long) t.numel() * t.dtype().byteSize();
            if (!first) json.append(',');
            first = false;
            json.append(Json.quote(e.getKey())).append(":{\"dtype\":\"").append(FileDType.of(t.dtype()).name).append("\",\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) json.append(i > 0 ? "," : "").append(t.shape()[i]);
            json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + size).append("]}");
            offset += size;
        }
        json.append('}');
        byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - header.length % 8) % 8; // keep the data section 8-byte aligned, as the reference writer does
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer head = ByteBuffer.allocate(8 + header.length + pad).order(ByteOrder.LITTLE_ENDIAN);
                head.putLong(header.length + pad).put(header);
                for (int i = 0; i < pad; i++) head.put((byte) ' ');
                head.flip();
                while (head.hasRemaining()) ch.write(head);
                for (TensorData t : tensors.values()) {
                    ByteBuffer body = FileDType.of(t.dtype()).encode(t);
                    while (body.hasRemaining()) ch.write(body);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void write(Path path, Map<String, TensorData> tensors) throws IOException {
        write(path, tensors, Map.of());
    }
}
