package dev.vq4j.core.io.torch;

import dev.vq4j.core.io.TensorData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads PyTorch checkpoints ({@code .pt}, {@code .ckpt}, Lightning's included) in the zip format that
 * {@code torch.save} writes since 1.6: {@code <prefix>/data.pkl} holds the object tree as a pickle, each
 * tensor storage is the raw little-endian file {@code <prefix>/data/<key>}, named by a persistent id
 * {@code ('storage', torch.<T>Storage, key, location, numel)}; a tensor is
 * {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, ...)}.
 *
 * <p>The pickle runs on {@link Unpickler}, which executes nothing. Storages are checked against
 * numel × element size and every tensor's size/stride/offset against its storage, with overflow-safe
 * arithmetic; tensors come back as contiguous {@link TensorData} copies (float16/bfloat16/float64 as
 * float32, as {@code SafeTensors} does).
 */
public final class TorchCheckpoint {
    /** The pickle itself ({@code data.pkl}) holds names and metadata only; refuse absurd sizes before reading. */
    public static final long MAX_PICKLE_BYTES = 1L << 30;
    static final String LEGACY_MESSAGE = "legacy (pre-1.6) torch file format is not supported; "
            + "re-save with torch.save(..., _use_new_zipfile_serialization=True)";

    private TorchCheckpoint() {}

    /** The whole object tree: dicts, lists, tuples, scalars, {@link TensorData} and inert {@link PythonObject} placeholders. */
    public static Object read(Path path) throws IOException {
        try {
            return readZip(path);
        } catch (TorchFormatException e) {
            throw new TorchFormatException(path + ": " + e.getMessage());
        }
    }

    /** The model weights: the checkpoint's {@code state_dict} (Lightning), or the checkpoint itself when it is a dict of tensors. */
    public static LinkedHashMap<String, TensorData> readStateDict(Path path) throws IOException {
        Object top = read(path);
        try {
            return stateDict(top);
        } catch (TorchFormatException e) {
            throw new TorchFormatException(path + ": " + e.getMessage());
        }
    }

    /** Picks the state dict out of a checkpoint's object tree (see {@link #readStateDict}). */
    public static LinkedHashMap<String, TensorData> stateDict(Object checkpoint) {
        if (!(checkpoint instanceof Map<?, ?> top)) throw new TorchFormatException("checkpoint holds a " + Unpickler.describe(checkpoint) + ", not a dict");
        Map<?, ?> source;
        if (top.get("state_dict") instanceof Map<?, ?> sd) source = sd;
        else if (top.containsKey("state_dict")) throw new TorchFormatException("'state_dict' is a " + Unpickler.describe(top.get("state_dict")) + ", not a dict");
        else if (!top.isEmpty() && top.values().stream().allMatch(v -> v instanceof TensorData)) source = top;
        else throw new TorchFormatException("no 'state_dict' and not a dict of tensors; top-level keys: " + keys(top));
        LinkedHashMap<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : source.entrySet()) {
            if (!(e.getKey() instanceof String name)) throw new TorchFormatException("state_dict key " + Unpickler.summary(e.getKey()) + " is a " + Unpickler.describe(e.getKey()) + ", not a str");
            if (!(e.getValue() instanceof TensorData t))
                throw new TorchFormatException("state_dict entry '" + name + "' is a " + Unpickler.describe(e.getValue()) + ", not a tensor");
            out.put(name, t);
        }
        return out;
    }

    private static String keys(Map<?, ?> m) {
        List<String> names = new ArrayList<>();
        for (Object k : m.keySet()) {
            if (names.size() == 20) {
                names.add("...");
                break;
            }
            names.add(String.valueOf(k));
        }
        return names.toString();
    }

    // ---- the zip archive -------------------------------------------------------------------------

    private static Object readZip(Path path) throws IOException {
        byte[] head = new byte[4];
        int got;
        try (InputStream in = Files.newInputStream(path)) {
            got = in.readNBytes(head, 0, 4);
        }
        if (got >= 1 && (head[0] & 0xff) == 0x80) throw new TorchFormatException(LEGACY_MESSAGE);
        if (got < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4)
            throw new TorchFormatException("not a PyTorch zip checkpoint (does not start with a zip header; first bytes "
                    + hex(Arrays.copyOf(head, got)) + ")");
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new TorchFormatException("not a valid zip archive: " + e.getMessage());
        }
        try (zip) {
            ZipEntry pickle = findDataPkl(zip);
            String prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String bo = new String(readEntry(zip, order, 16, "byteorder"), StandardCharsets.US_ASCII).trim();
                if (!bo.equals("little")) throw new TorchFormatException("storages are stored " + bo + "-endian; only little-endian is supported");
            }
            byte[] pkl = readEntry(zip, pickle, MAX_PICKLE_BYTES, pickle.getName());
            return new Unpickler(pkl, new StorageHooks(zip, prefix)).load();
        }
    }

    private static ZipEntry findDataPkl(ZipFile zip) {
        List<ZipEntry> found = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Enumeration<? extends ZipEntry> all = zip.entries();
        while (all.hasMoreElements()) {
            ZipEntry e = all.nextElement();
            if (names.size() < 8) names.add(e.getName());
            String n = e.getName();
            if (n.equals("data.pkl") || n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) found.add(e);
        }
        if (found.isEmpty()) throw new TorchFormatException("no <prefix>/data.pkl in the archive (entries: " + names + ")");
        if (found.size() > 1) throw new TorchFormatException("the archive has " + found.size() + " data.pkl files: " + found);
        return found.getFirst();
    }

    /** Reads an entry of at most {@code limit} bytes, whatever its header claims. */
    private static byte[] readEntry(ZipFile zip, ZipEntry entry, long limit, String what) throws IOException {
        if (entry.getSize() > limit) throw new TorchFormatException(what + " is " + entry.getSize() + " bytes, over the limit of " + limit);
        int cap = (int) Math.min(limit, Integer.MAX_VALUE - 8);
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] b = in.readNBytes(cap);
            if (b.length == cap && in.read() >= 0) throw new TorchFormatException(what + " is over the limit of " + limit + " bytes");
            return b;
        } catch (ZipException e) {
            throw new TorchFormatException(what + ": corrupt zip entry: " + e.getMessage());
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x", x & 0xff));
        return s.toString();
    }

    // ---- storages and tensors --------------------------------------------------------------------

    /** A storage read from {@code data/<key>} and decoded into the array of its dtype. */
    record Storage(String key, StorageType type, int numel, Object values) {}

    /** See {@code StorageHooks.charge}: how far the tensors of a checkpoint may outgrow its storages. */
    static final long AMPLIFICATION = 4, AMPLIFICATION_SLACK = 1L << 24;

    /** Resolves persistent ids to storages (each read once) and rebuilds tensors from them. */
    private static final class StorageHooks implements Unpickler.Hooks {
        private final ZipFile zip;
        private final String prefix;
        private final Map<String, Storage> storages = new HashMap<>();
        /** Elements of the storages read so far, and of the tensors copied out of them. */
        private long storageElements, tensorElements;

        StorageHooks(ZipFile zip, String prefix) {
            this.zip = zip;
            this.prefix = prefix;
        }

        @Override
        public Object persistentLoad(Object pid) {
            if (!(pid instanceof PyTuple t) || t.size() != 5 || !"storage".equals(t.get(0)))
                throw new TorchFormatException("persistent id " + Unpickler.summary(pid) + " is not ('storage', type, key, location, numel)");
            if (!(t.get(1) instanceof StorageType type))
                throw new TorchFormatException("storage type " + Unpickler.describe(t.get(1)) + " is not supported (supported: "
                        + Arrays.toString(StorageType.values()) + ")");
            if (!(t.get(2) instanceof String key)) throw new TorchFormatException("storage key is a " + Unpickler.describe(t.get(2)) + ", not a str");
            if (!(t.get(4) instanceof Long numel) || numel < 0 || numel > Integer.MAX_VALUE)
                throw new TorchFormatException("storage '" + key + "': numel " + t.get(4) + " is not an int in [0, 2^31)");
            Storage known = storages.get(key);
            if (known != null) {
                if (known.type != type || known.numel != numel)
                    throw new TorchFormatException("storage '" + key + "' is named both as " + known.numel + " × " + known.type + " and " + numel + " × " + type);
                return known;
            }
            String name = prefix + "data/" + key;
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) throw new TorchFormatException("storage '" + key + "' is missing: no entry " + name);
            long expected = Math.multiplyExact(numel, (long) type.bytes);
            byte[] raw;
            try {
                raw = readEntry(zip, entry, expected, name);
            } catch (TorchFormatException e) {
                throw new TorchFormatException("storage '" + key + "' of " + numel + " × " + type + " needs " + expected + " bytes: " + e.getMessage());
            } catch (IOException e) {
                throw new TorchFormatException("storage '" + key + "': " + e.getMessage());
            }
            if (raw.length != expected)
                throw new TorchFormatException("storage '" + key + "' holds " + raw.length + " bytes, but " + numel + " × " + type + " needs " + expected);
            Storage s = new Storage(key, type, (int) (long) numel, type.decode(raw, (int) (long) numel, "storage '" + key + "'"));
            storageElements += numel;
            storages.put(key, s);
            return s;
        }

        @Override
        public Object rebuildTensor(Object storage, Object storageOffset, Object size, Object stride) {
            if (!(storage instanceof Storage s)) throw new TorchFormatException("_rebuild_tensor_v2: storage is a " + Unpickler.describe(storage));
            if (!(storageOffset instanceof Long offset)) throw new TorchFormatException("_rebuild_tensor_v2: storage_offset is a " + Unpickler.describe(storageOffset));
            long[] sizes = longs(size, "size"), strides = longs(stride, "stride");
            if (sizes.length != strides.length)
                throw new TorchFormatException("_rebuild_tensor_v2: size " + Arrays.toString(sizes) + " and stride " + Arrays.toString(strides) + " differ in length");
            return StridedCopy.copy(s, offset, sizes, strides, this::charge);
        }

        /**
         * Amplification budget: the tensors rebuilt may hold at most {@link #AMPLIFICATION}× the elements
         * of the storages read, plus {@link #AMPLIFICATION_SLACK} (tied weights and a few expanded
         * buffers fit; a stride-0 view of one element as 2^30, or thousands of views of one storage, do
         * not), and never more than the heap can take. Checked before each copy is allocated.
         */
        private void charge(String view, long elements) {
            tensorElements += elements;
            long allowed = AMPLIFICATION * storageElements + AMPLIFICATION_SLACK;
            if (tensorElements > allowed)
                throw new TorchFormatException(view + ": the tensors rebuilt so far hold " + tensorElements + " elements, more than "
                        + AMPLIFICATION + " × the " + storageElements + " elements of the storages read + " + AMPLIFICATION_SLACK
                        + " (views that repeat a storage: stride 0, or many views of one storage)");
            long heap = Runtime.getRuntime().maxMemory() / 2;
            if (elements * 8 > heap)
                throw new TorchFormatException(view + ": " + elements + " elements need up to " + elements * 8 + " bytes, more than half the JVM's "
                        + Runtime.getRuntime().maxMemory() + "-byte heap (VQ4J_JAVA_OPTS=-Xmx... to give it more)");
        }

        private static long[] longs(Object o, String what) {
            if (!(o instanceof PyTuple t)) throw new TorchFormatException("_rebuild_tensor_v2: " + what + " is a " + Unpickler.describe(o) + ", not a tuple");
            long[] out = new long[t.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(t.get(i) instanceof Long v)) throw new TorchFormatException("_rebuild_tensor_v2: " + what + " entry " + Unpickler.summary(t.get(i)) + " is not an int");
                out[i] = v;
            }
            return out;
        }
    }
}
