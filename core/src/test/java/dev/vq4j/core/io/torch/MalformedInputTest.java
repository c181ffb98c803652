package dev.vq4j.core.io.torch;

import dev.vq4j.core.io.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** Hand-made pickles and archives, no PyTorch needed: each malformed or hostile input is refused with a message that says where and why. */
class MalformedInputTest {
    @TempDir
    Path dir;

    // ---- a tiny pickle writer ---------------------------------------------------------------------

    static final class P {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        P op(int... bytes) {
            for (int b : bytes) out.write(b);
            return this;
        }

        P str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        P text(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            return this;
        }

        P global(String module, String name) {
            return op('c').text(module + "\n" + name + "\n");
        }

        P integer(long v) {
            op(0x8a, 8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        P tuple(long... values) {
            op('(');
            for (long v : values) integer(v);
            return op('t');
        }

        /** {name: _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', numel), offset, size, stride, False, OrderedDict())} */
        static byte[] tensorDict(String name, long numel, long offset, long[] size, long[] stride) {
            P p = new P().op(0x80, 2, '}').str(name).global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(numel).op('t', 'Q');
            p.integer(offset).tuple(size).tuple(stride).op(0x89).global("collections", "OrderedDict").op(')', 'R');
            return p.op('t', 'R', 's', '.').bytes();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    static TorchFormatException refused(byte[] pickle, String... parts) {
        return refused(() -> Unpickler.load(pickle), parts);
    }

    static TorchFormatException refused(org.junit.jupiter.api.function.Executable run, String... parts) {
        TorchFormatException e = assertThrows(TorchFormatException.class, run);
        for (String part : parts) assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        return e;
    }

    Path zip(Map<String, byte[]> entries) throws IOException {
        Path path = dir.resolve("f" + UUID.randomUUID() + ".pt");
        try (OutputStream f = Files.newOutputStream(path); ZipOutputStream z = new ZipOutputStream(f)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return path;
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return b.array();
    }

    Path checkpoint(byte[] pickle, byte[] storage) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        if (storage != null) entries.put("archive/data/0", storage);
        entries.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return zip(entries);
    }

    // ---- pickles ----------------------------------------------------------------------------------

    @Test
    void handBuiltCheckpointLoadsStridedView() throws IOException {
        // a 2×2 view with stride (1, 3) at offset 1 of a 6-element storage: elements 1, 4, 2, 5
        Path ok = checkpoint(P.tensorDict("w", 6, 1, new long[] {2, 2}, new long[] {1, 3}), floats(0, 1, 2, 3, 4, 5));
        TensorData w = TorchCheckpoint.readStateDict(ok).get("w");
        assertArrayEquals(new int[] {2, 2}, w.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5}, w.floats());
    }

    @Test
    void protocolZeroCommandIsAPlaceholderNotARun() {
        Path marker = dir.resolve("pwned-" + UUID.randomUUID());
        byte[] pickle = new P().text("cos\nsystem\n(S'touch " + marker + "'\ntR.").bytes();
        PythonObject o = (PythonObject) Unpickler.load(pickle);
        assertEquals(new PyGlobal("os", "system"), o.type());
        assertEquals(List.of("touch " + marker), o.args());
        assertFalse(Files.exists(marker));
        // builtins.eval through STACK_GLOBAL and NEWOBJ: also inert
        byte[] eval = new P().op(0x80, 4).str("builtins").str("eval").op(0x93).op('(').str("__import__('os')").op('t', 0x81, '.').bytes();
        assertEquals("eval", ((PythonObject) Unpickler.load(eval)).type().name());
    }

    @Test
    void truncatedPickle() {
        refused(new P().op(0x80, 2, 'X', 0x10, 0, 0, 0).text("abc").bytes(), "pickle byte 2", "truncated", "needs 16 bytes");
        refused(new P().op(0x80, 2, 'N').bytes(), "without a STOP");
        refused(new P().op(0x80, 2, 'J', 1).bytes(), "truncated");
    }

    @Test
    void hugeLengthDoesNotAllocate() {
        refused(new P().op(0x80, 4, 0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, '.').bytes(), "truncated");
        refused(new P().op(0x80, 4, 0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, '.').bytes(), "frame of");
    }

    @Test
    void unknownOpcode() {
        refused(new P().op(0x80, 2, 0xff, '.').bytes(), "pickle byte 2", "unknown or unsupported opcode 0xff");
        refused(new P().op(0x80, 2, 0x82, 1, '.').bytes(), "extension-registry");
        refused(new P().op(0x80, 9, 'N', '.').bytes(), "unsupported pickle protocol 9");
    }

    @Test
    void stackUnderflow() {
        refused(new P().op(0x80, 2, 'a', '.').bytes(), "pickle byte 2", "stack underflow", "APPEND");
        refused(new P().op(0x80, 2, ']', '(', 'R', '.').bytes(), "pickle byte 4", "stack underflow");
        refused(new P().op(0x80, 2, 't', '.').bytes(), "no MARK");
        refused(new P().op(0x80, 2, '.').bytes(), "stack underflow");
    }

    @Test
    void memoLimits() {
        refused(new P().op(0x80, 2, 'j', 0xff, 0xff, 0xff, 0xff, '.').bytes(), "memo index 4294967295 is not defined");
        refused(new P().op(0x80, 2, 'h', 3, '.').bytes(), "memo index 3 is not defined");
        byte[] many = new P().op(0x80, 2, 'N', 'q', 0, 'q', 1, 'q', 2, 'q', 3, 'q', 4, '.').bytes();
        assertNull(new Unpickler(many, null, 5, 100, 10).load());
        refused(() -> new Unpickler(many, null, 4, 100, 10).load(), "pickle byte 11", "memo holds more than 4 entries");
    }

    @Test
    void stackLimit() {
        byte[] pickle = new P().op(0x80, 2, 'N', 'N', 'N', 'N', '0', '0', '0', '.').bytes();
        assertNull(new Unpickler(pickle, null, 10, 4, 10).load());
        refused(() -> new Unpickler(pickle, null, 10, 3, 10).load(), "pickle byte 5", "stack holds more than 3 items");
    }

    @Test
    void deepNesting() {
        P tuples = new P().op(0x80, 2, 'N');
        for (int i = 0; i < 1000; i++) tuples.op(0x85);
        refused(tuples.op('.').bytes(), "nested deeper than 100");
        P marks = new P().op(0x80, 2);
        for (int i = 0; i < 1000; i++) marks.op('(');
        refused(marks.op('.').bytes(), "MARKs nested deeper than 100");
        // a list appended into lists through the memo, one level per step
        P lists = new P().op(0x80, 2, ']', 'q', 0);
        for (int i = 0; i < 200; i++) lists.op(']', 'h', 0, 'a', 'q', 0);
        refused(lists.op('.').bytes(), "nested deeper than 100");
    }

    @Test
    void unhashableKeyAndBadTypes() {
        refused(new P().op(0x80, 2, '}', ']', 'N', 's', '.').bytes(), "unhashable list");
        refused(new P().op(0x80, 2, 'N', ')', 'R', '.').bytes(), "cannot call a None");
        refused(new P().op(0x80, 2, 'N', 'N', 'b', '.').bytes(), "BUILD on a None");
        refused(new P().global("torch.storage", "_load_from_bytes").op('(').op('C', 1, 0).op('t', 'R', '.').bytes(), "_load_from_bytes", "not supported");
    }

    @Test
    void persistentIdWithoutLoader() {
        refused(new P().op(0x80, 2).str("x").op('Q', '.').bytes(), "no persistent loader");
    }

    // ---- archives ---------------------------------------------------------------------------------

    @Test
    void missingDataPkl() throws IOException {
        Path p = zip(Map.of("archive/data/0", floats(1)));
        refused(() -> TorchCheckpoint.read(p), p.toString(), "no <prefix>/data.pkl", "archive/data/0");
    }

    @Test
    void missingStorage() throws IOException {
        Path p = checkpoint(P.tensorDict("w", 4, 0, new long[] {4}, new long[] {1}), null);
        refused(() -> TorchCheckpoint.read(p), "storage '0' is missing", "archive/data/0");
    }

    @Test
    void storageBytesDisagreeWithNumel() throws IOException {
        Path shortStorage = checkpoint(P.tensorDict("w", 4, 0, new long[] {4}, new long[] {1}), floats(1, 2, 3));
        refused(() -> TorchCheckpoint.read(shortStorage), "storage '0' holds 12 bytes", "needs 16");
        Path longStorage = checkpoint(P.tensorDict("w", 4, 0, new long[] {4}, new long[] {1}), floats(1, 2, 3, 4, 5));
        refused(() -> TorchCheckpoint.read(longStorage), "storage '0'", "needs 16 bytes");
    }

    @Test
    void storageTooSmallForTensor() throws IOException {
        Path p = checkpoint(P.tensorDict("w", 4, 0, new long[] {2, 3}, new long[] {3, 1}), floats(1, 2, 3, 4));
        refused(() -> TorchCheckpoint.read(p), "size [2, 3], stride [3, 1], offset 0", "reaches element 5", "past the end");
        Path offset = checkpoint(P.tensorDict("w", 4, 3, new long[] {2}, new long[] {1}), floats(1, 2, 3, 4));
        refused(() -> TorchCheckpoint.read(offset), "reaches element 4");
    }

    @Test
    void strideOutOfBoundsOrOverflowing() throws IOException {
        Path far = checkpoint(P.tensorDict("w", 4, 0, new long[] {2, 2}, new long[] {1, 4}), floats(1, 2, 3, 4));
        refused(() -> TorchCheckpoint.read(far), "reaches element 5");
        Path overflow = checkpoint(P.tensorDict("w", 4, 0, new long[] {3, 2}, new long[] {1L << 62, 1}), floats(1, 2, 3, 4));
        refused(() -> TorchCheckpoint.read(overflow), "overflows");
        Path negative = checkpoint(P.tensorDict("w", 4, 3, new long[] {2}, new long[] {-1}), floats(1, 2, 3, 4));
        refused(() -> TorchCheckpoint.read(negative), "negative stride");
    }

    @Test
    void notAZipAndTopLevelShape() throws IOException {
        Path text = dir.resolve("notes.pt");
        Files.writeString(text, "hello");
        refused(() -> TorchCheckpoint.read(text), "not a PyTorch zip checkpoint");
        Path legacy = dir.resolve("legacy.pt");
        Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10});
        refused(() -> TorchCheckpoint.read(legacy), "legacy (pre-1.6)");
        Path list = checkpoint(new P().op(0x80, 2, ']', '.').bytes(), null);
        refused(() -> TorchCheckpoint.readStateDict(list), "holds a list, not a dict");
        Path noSd = checkpoint(new P().op(0x80, 2, '}').str("epoch").op('K', 1, 's', '.').bytes(), null);
        refused(() -> TorchCheckpoint.readStateDict(noSd), "no 'state_dict'", "[epoch]");
    }

    // ---- issue 17: exponential and cyclic structure ------------------------------------------------

    /** Pushes t60 where t0 = () and t₍ᵢ₊₁₎ = (tᵢ, tᵢ): 2⁶⁰ leaves, a few hundred bytes (memo slots 0..60). */
    static P sharedTupleTower(P p) {
        p.op(')', 'q', 0, '0');
        for (int i = 1; i <= 60; i++) p.op('h', i - 1, 'h', i - 1, 0x86, 'q', i, '0');
        return p.op('h', 60);
    }

    @Test
    void aSharedTupleTowerAsADictKeyIsRefusedQuickly() {
        byte[] pickle = sharedTupleTower(new P().op(0x80, 2, '}')).op('K', 1, 's', '.').bytes();
        assertTrue(pickle.length < 500, pickle.length + " bytes");
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> refused(pickle, "holds more than " + Unpickler.MAX_KEY_NODES + " values"));
        byte[] set = sharedTupleTower(new P().op(0x80, 4, 0x8f, '(')).op(0x90, '.').bytes(); // EMPTY_SET, MARK, t60, ADDITEMS
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> refused(set, "holds more than"));
    }

    @Test
    void summariesOfHugeOrCyclicValuesAreShort() {
        Object tower = Unpickler.load(sharedTupleTower(new P().op(0x80, 2)).op('.').bytes());
        String s = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> Unpickler.summary(tower));
        assertTrue(s.length() < 260 && s.startsWith("((((") && s.contains("…"), s);
        Object cycle = Unpickler.load(new P().op(0x80, 2, ']', 'q', 0, 'h', 0, 'a', '.').bytes()); // l = []; l.append(l)
        String c = Unpickler.summary(cycle);
        assertTrue(c.length() < 260 && c.startsWith("[[[["), c);
        assertEquals("('storage', 3, None, True, 'x')", Unpickler.summary(new Unpickler(new P().op(0x80, 2, '(').str("storage").op('K', 3, 'N', 0x88).str("x").op('t', '.').bytes(), null).load()));
    }

    @Test
    void aHugeOrCyclicPersistentIdGivesAShortMessage() throws IOException {
        // a persistent id that is the tower, then one that is a list holding itself
        byte[] tower = sharedTupleTower(new P().op(0x80, 2)).op('Q', '.').bytes();
        TorchFormatException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> refused(() -> TorchCheckpoint.read(checkpoint(tower, null)), "persistent id ((((", "is not ('storage'"));
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters");
        byte[] cyclic = new P().op(0x80, 2, ']', 'q', 0, 'h', 0, 'a', 'Q', '.').bytes();
        e = refused(() -> TorchCheckpoint.read(checkpoint(cyclic, null)), "persistent id [[[[");
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters");
    }

    // ---- issue 17: amplification --------------------------------------------------------------------

    @Test
    void aStrideZeroViewOfOneElementIsRefusedBeforeAllocating() throws IOException {
        Path f = checkpoint(P.tensorDict("w", 1, 0, new long[] {1L << 30}, new long[] {0}), floats(1f));
        long before = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        refused(() -> TorchCheckpoint.readStateDict(f), f.toString(), "1073741824 elements, more than 4 × the 1 elements");
        long after = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertTrue(after - before < 256L << 20, "grew the heap by " + ((after - before) >> 20) + " MiB");
    }

    @Test
    void manyViewsOfOneStorageAreRefusedOnceTheyOutgrowItFourfold() throws IOException {
        int n = 1 << 20, views = 40;
        P p = new P().op(0x80, 2, '}', '(');
        for (int i = 0; i < views; i++) {
            p.str("w" + i).global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(n).op('t', 'Q');
            p.integer(0).tuple(n).tuple(1).op(0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R');
        }
        Path f = checkpoint(p.op('u', '.').bytes(), new byte[4 * n]);
        refused(() -> TorchCheckpoint.readStateDict(f), f.toString(), "more than 4 × the 1048576 elements of the storages read");
        // a few views of one storage (tied weights) are fine
        P tied = new P().op(0x80, 2, '}', '(');
        for (int i = 0; i < 3; i++) {
            tied.str("w" + i).global("torch._utils", "_rebuild_tensor_v2").op('(');
            tied.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(n).op('t', 'Q');
            tied.integer(0).tuple(n).tuple(1).op(0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R');
        }
        assertEquals(3, TorchCheckpoint.readStateDict(checkpoint(tied.op('u', '.').bytes(), new byte[4 * n])).size());
    }
}
