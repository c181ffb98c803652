package dev.vq4j.core.io.torch;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader (protocols 0 to 5) that executes nothing. It interprets the pickle machine's opcodes
 * itself; globals are resolved only from a fixed table ({@link #resolveGlobal}) and every other global
 * becomes an inert {@link PyGlobal}, so REDUCE/NEWOBJ/BUILD on it only build a {@link PythonObject}
 * placeholder that records the arguments. Memo size, stack size and nesting depth are bounded; every
 * error names the byte offset of the opcode at fault.
 *
 * <p>Python values map to: None → null, bool → Boolean, int → Long (BigInteger when it does not fit),
 * float → Double, str → String, bytes/bytearray → byte[], tuple → {@link PyTuple}, list → ArrayList,
 * dict and OrderedDict → LinkedHashMap (attributes set by BUILD, such as {@code _metadata}, are dropped),
 * set/frozenset → LinkedHashSet. The pickle may contain reference cycles through lists and dicts, as in Python.
 */
public final class Unpickler {
    /** What the caller supplies for persistent ids and torch tensors; the defaults refuse both. */
    public interface Hooks {
        /** BINPERSID / PERSID: the object for a persistent id (torch: a storage). */
        default Object persistentLoad(Object pid) {
            throw new TorchFormatException("persistent id " + describe(pid) + " found, but this reader has no persistent loader");
        }

        /** {@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks)}. */
        default Object rebuildTensor(Object storage, Object storageOffset, Object size, Object stride) {
            throw new TorchFormatException("torch tensor found, but this reader has no tensor loader");
        }
    }

    /** The globals this reader understands; everything else becomes a {@link PyGlobal}. */
    enum Known {
        ORDERED_DICT("collections.OrderedDict"),
        REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2"),
        REBUILD_PARAMETER("torch._utils._rebuild_parameter"),
        REBUILD_PARAMETER_WITH_STATE("torch._utils._rebuild_parameter_with_state"),
        LOAD_FROM_BYTES("torch.storage._load_from_bytes"),
        CODECS_ENCODE("_codecs.encode"); // how protocol 2 writes Python 3 bytes: _codecs.encode(str, 'latin1')

        final String qualifiedName;

        Known(String qualifiedName) {
            this.qualifiedName = qualifiedName;
        }
    }

    public static final int DEFAULT_MAX_MEMO = 1 << 20;
    public static final int DEFAULT_MAX_STACK = 1 << 20;
    public static final int DEFAULT_MAX_DEPTH = 100;
    /** Python ints longer than this many bytes are refused (checkpoints hold small ints). */
    static final int MAX_LONG_BYTES = 1024;
    static final int MAX_LINE = 1 << 16;

    private final byte[] data;
    private final Hooks hooks;
    private final int maxMemo, maxStack, maxDepth;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    /** Nesting depth of every container built so far (identity), to bound it. */
    private final IdentityHashMap<Object, Integer> depths = new IdentityHashMap<>();
    private int pos;
    private int opStart;
    private int op;

    public Unpickler(byte[] data, Hooks hooks) {
        this(data, hooks, DEFAULT_MAX_MEMO, DEFAULT_MAX_STACK, DEFAULT_MAX_DEPTH);
    }

    public Unpickler(byte[] data, Hooks hooks, int maxMemo, int maxStack, int maxDepth) {
        this.data = data;
        this.hooks = hooks == null ? new Hooks() {} : hooks;
        this.maxMemo = maxMemo;
        this.maxStack = maxStack;
        this.maxDepth = maxDepth;
    }

    /** Reads a pickle with no persistent ids (a plain Python object tree). */
    public static Object load(byte[] pickle) {
        return new Unpickler(pickle, null).load();
    }

    /** The global a (module, name) pair resolves to: a {@link Known} function, a {@link StorageType}, or an inert {@link PyGlobal}. */
    static Object resolveGlobal(String module, String name) {
        String q = module + "." + name;
        for (Known k : Known.values()) if (k.qualifiedName.equals(q)) return k;
        if (module.equals("torch")) {
            StorageType t = StorageType.byName(name);
            if (t != null) return t;
        }
        return new PyGlobal(module, name);
    }

    // ---- the machine -----------------------------------------------------------------------------

    public Object load() {
        while (true) {
            if (pos >= data.length) throw fail0(pos, "pickle ends at byte " + pos + " without a STOP opcode");
            opStart = pos;
            op = data[pos++] & 0xff;
            try {
                if (op == Op.STOP) {
                    Object result = pop();
                    if (!marks.isEmpty()) throw fail("STOP with " + marks.size() + " unclosed MARK(s)");
                    return result;
                }
                step();
            } catch (TorchFormatException e) {
                if (e.getMessage().startsWith("pickle byte ")) throw e;
                throw fail(e.getMessage());
            } catch (RuntimeException e) { // a safety net: malformed input must never escape as anything but a format error
                throw fail("malformed pickle: " + e);
            }
        }
    }

    private void step() {
        switch (op) {
            case Op.PROTO -> {
                int v = u8();
                if (v > 5) throw fail("unsupported pickle protocol " + v + " (0 to 5 are known)");
            }
            case Op.FRAME -> {
                long n = i64le();
                if (n < 0 || n > data.length - pos) throw fail("frame of " + Long.toUnsignedString(n) + " bytes runs past the end (" + (data.length - pos) + " left)");
            }
            case Op.MARK -> {
                if (marks.size() >= maxDepth) throw fail("MARKs nested deeper than " + maxDepth);
                marks.add(stack.size());
            }
            case Op.POP -> {
                if (stack.size() > base()) pop();
                else if (!marks.isEmpty()) popMark();
                else throw fail("stack underflow");
            }
            case Op.POP_MARK -> popMark();
            case Op.DUP -> push(peek());
            case Op.NONE -> push(null);
            case Op.NEWTRUE -> push(Boolean.TRUE);
            case Op.NEWFALSE -> push(Boolean.FALSE);
            case Op.BININT -> push((long) i32le());
            case Op.BININT1 -> push((long) u8());
            case Op.BININT2 -> push((long) (u8() | (u8() << 8)));
            case Op.LONG1 -> push(littleEndianInt(u8()));
            case Op.LONG4 -> {
                int n = i32le();
                if (n < 0) throw fail("LONG4 with negative length " + n);
                push(littleEndianInt(n));
            }
            case Op.INT -> {
                String s = line();
                if (s.equals("00")) push(Boolean.FALSE);
                else if (s.equals("01")) push(Boolean.TRUE);
                else push(decimal(s));
            }
            case Op.LONG -> {
                String s = line();
                push(decimal(s.endsWith("L") ? s.substring(0, s.length() - 1) : s));
            }
            case Op.FLOAT -> {
                String s = line();
                try {
                    push(Double.parseDouble(s));
                } catch (NumberFormatException e) {
                    throw fail("FLOAT argument '" + s + "' is not a number");
                }
            }
            case Op.BINFLOAT -> push(Double.longBitsToDouble(i64be()));
            case Op.SHORT_BINUNICODE -> push(utf8(u8()));
            case Op.BINUNICODE -> push(utf8(u32le()));
            case Op.BINUNICODE8 -> push(utf8(i64le()));
            case Op.SHORT_BINSTRING -> push(latin1(u8()));
            case Op.BINSTRING -> {
                int n = i32le();
                if (n < 0) throw fail("BINSTRING with negative length " + n);
                push(latin1(n));
            }
            case Op.SHORT_BINBYTES -> push(bytes(u8()));
            case Op.BINBYTES -> push(bytes(u32le()));
            case Op.BINBYTES8, Op.BYTEARRAY8 -> push(bytes(i64le()));
            case Op.STRING -> push(PickleText.quoted(line()));
            case Op.UNICODE -> push(PickleText.rawUnicodeEscape(line()));
            case Op.EMPTY_TUPLE -> push(PyTuple.EMPTY);
            case Op.TUPLE -> push(container(PyTuple.of(popMark())));
            case Op.TUPLE1, Op.TUPLE2, Op.TUPLE3 -> {
                int n = op - Op.TUPLE1 + 1;
                Object[] items = new Object[n];
                for (int i = n - 1; i >= 0; i--) items[i] = pop();
                push(container(PyTuple.of(items)));
            }
            case Op.EMPTY_LIST -> push(container(new ArrayList<>()));
            case Op.LIST -> push(container(new ArrayList<>(popMark())));
            case Op.APPEND -> {
                List<Object> one = new ArrayList<>(1);
                one.add(pop());
                appendTo(peek(), one);
            }
            case Op.APPENDS -> {
                List<Object> items = popMark();
                appendTo(peek(), items);
            }
            case Op.EMPTY_DICT -> push(container(new LinkedHashMap<>()));
            case Op.DICT -> {
                List<Object> kv = popMark();
                Map<Object, Object> d = new LinkedHashMap<>();
                putPairs(d, kv);
                push(container(d));
            }
            case Op.SETITEM -> {
                Object v = pop(), k = pop();
                List<Object> kv = new ArrayList<>(2);
                kv.add(k);
                kv.add(v);
                setItems(peek(), kv);
            }
            case Op.SETITEMS -> {
                List<Object> kv = popMark();
                setItems(peek(), kv);
            }
            case Op.EMPTY_SET -> push(container(new LinkedHashSet<>()));
            case Op.ADDITEMS -> {
                List<Object> items = popMark();
                if (!(peek() instanceof Set<?> s)) throw fail("ADDITEMS on a " + describe(peek()));
                @SuppressWarnings("unchecked") Set<Object> set = (Set<Object>) s;
                for (Object o : items) {
                    checkHashable(o, 0, new int[] {MAX_KEY_NODES});
                    set.add(o);
                    deepen(set, o);
                }
            }
            case Op.FROZENSET -> {
                Set<Object> set = new LinkedHashSet<>();
                for (Object o : popMark()) {
                    checkHashable(o, 0, new int[] {MAX_KEY_NODES});
                    set.add(o);
                }
                push(container(Collections.unmodifiableSet(set)));
            }
            case Op.PUT -> memoPut(decimalIndex(line()));
            case Op.BINPUT -> memoPut(u8());
            case Op.LONG_BINPUT -> memoPut(u32le());
            case Op.MEMOIZE -> memoPut(memo.size());
            case Op.GET -> memoGet(decimalIndex(line()));
            case Op.BINGET -> memoGet(u8());
            case Op.LONG_BINGET -> memoGet(u32le());
            case Op.GLOBAL -> {
                String module = line(), name = line();
                push(resolveGlobal(module, name));
            }
            case Op.STACK_GLOBAL -> {
                Object name = pop(), module = pop();
                if (!(module instanceof String m) || !(name instanceof String n))
                    throw fail("STACK_GLOBAL needs two strings, got " + describe(module) + " and " + describe(name));
                push(resolveGlobal(m, n));
            }
            case Op.REDUCE -> {
                Object args = pop(), callee = pop();
                if (!(args instanceof PyTuple t)) throw fail("REDUCE arguments are a " + describe(args) + ", not a tuple");
                push(call(callee, t, "REDUCE"));
            }
            case Op.NEWOBJ -> {
                Object args = pop(), cls = pop();
                if (!(args instanceof PyTuple t)) throw fail("NEWOBJ arguments are a " + describe(args) + ", not a tuple");
                push(instantiate(cls, t, "NEWOBJ"));
            }
            case Op.NEWOBJ_EX -> {
                Object kwargs = pop(), args = pop(), cls = pop();
                if (!(args instanceof PyTuple t) || !(kwargs instanceof Map<?, ?>))
                    throw fail("NEWOBJ_EX needs a tuple and a dict, got " + describe(args) + " and " + describe(kwargs));
                PythonObject o = instantiate(cls, t, "NEWOBJ_EX");
                o.states.add(kwargs);
                push(o);
            }
            case Op.INST -> {
                PyGlobal g = asPlaceholderClass(resolveGlobal(line(), line()));
                push(container(new PythonObject(g, "INST", new ArrayList<>(popMark()))));
            }
            case Op.OBJ -> {
                List<Object> items = popMark();
                if (items.isEmpty()) throw fail("OBJ without a class");
                push(instantiate(items.getFirst(), PyTuple.of(items.subList(1, items.size())), "OBJ"));
            }
            case Op.BUILD -> {
                Object state = pop();
                Object target = peek();
                switch (target) {
                    case PythonObject o -> {
                        o.states.add(state);
                        deepen(o, state);
                    }
                    case Map<?, ?> ignored -> { } // attributes on an OrderedDict (e.g. state_dict._metadata) are dropped
                    case dev.vq4j.core.io.TensorData ignored -> { } // tensor/parameter state (e.g. requires_grad hooks) carries no values
                    case null, default -> throw fail("BUILD on a " + describe(target));
                }
            }
            case Op.PERSID -> push(hooks.persistentLoad(line()));
            case Op.BINPERSID -> push(hooks.persistentLoad(pop()));
            case Op.EXT1, Op.EXT2, Op.EXT4 -> throw fail("extension-registry opcodes (EXT1/2/4) are not supported");
            case Op.NEXT_BUFFER, Op.READONLY_BUFFER -> throw fail("out-of-band buffers (protocol 5 NEXT_BUFFER/READONLY_BUFFER) are not supported");
            default -> throw fail(String.format("unknown or unsupported opcode 0x%02x", op));
        }
    }

    // ---- calls, all inert except for the fixed table ---------------------------------------------

    private Object call(Object callee, PyTuple args, String opcode) {
        switch (callee) {
            case Known k -> {
                return switch (k) {
                    case ORDERED_DICT -> {
                        Map<Object, Object> d = new LinkedHashMap<>();
                        if (args.size() == 1 && args.getFirst() instanceof List<?> pairs) {
                            for (Object p : pairs) {
                                if (!(p instanceof List<?> kv) || kv.size() != 2) throw fail("OrderedDict argument holds a " + describe(p) + ", not a pair");
                                setItems(d, new ArrayList<>(kv));
                            }
                        } else if (!args.isEmpty()) throw fail("OrderedDict called with " + args.size() + " arguments");
                        yield container(d);
                    }
                    case REBUILD_TENSOR_V2 -> {
                        if (args.size() < 4) throw fail("_rebuild_tensor_v2 needs at least 4 arguments, got " + args.size());
                        yield hooks.rebuildTensor(args.get(0), args.get(1), args.get(2), args.get(3));
                    }
                    case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                        if (args.isEmpty()) throw fail(k.qualifiedName + " without arguments");
                        yield args.getFirst(); // a Parameter is its data; requires_grad and hooks do not matter here
                    }
                    case LOAD_FROM_BYTES -> throw fail("torch.storage._load_from_bytes (a storage pickled inside the pickle, "
                            + "as legacy torch files do) is not supported; re-save with torch.save(..., _use_new_zipfile_serialization=True)");
                    case CODECS_ENCODE -> {
                        if (args.size() != 2 || !(args.get(0) instanceof String s) || !"latin1".equals(args.get(1)))
                            throw fail("_codecs.encode is only supported as encode(str, 'latin1') (how pickle writes bytes)");
                        byte[] out = new byte[s.length()];
                        for (int i = 0; i < out.length; i++) {
                            char c = s.charAt(i);
                            if (c > 0xff) throw fail("_codecs.encode: character U+" + Integer.toHexString(c) + " is not latin-1");
                            out[i] = (byte) c;
                        }
                        yield out;
                    }
                };
            }
            case StorageType t -> throw fail("torch." + t.name() + " cannot be called here (storages come only from persistent ids)");
            case PyGlobal g -> {
                return container(new PythonObject(g, opcode, new ArrayList<>(args)));
            }
            case PythonObject o -> {
                return container(new PythonObject(o, opcode, new ArrayList<>(args)));
            }
            case null, default -> throw fail(opcode + ": cannot call a " + describe(callee));
        }
    }

    private PythonObject instantiate(Object cls, PyTuple args, String opcode) {
        PyGlobal g = asPlaceholderClass(cls);
        return container(new PythonObject(g, opcode, new ArrayList<>(args)));
    }

    /** Instances are only ever made of unknown classes (subclasses of OrderedDict, callbacks, ...), as placeholders. */
    private PyGlobal asPlaceholderClass(Object cls) {
        return switch (cls) {
            case PyGlobal g -> g;
            case Known k -> new PyGlobal(k.qualifiedName.substring(0, k.qualifiedName.lastIndexOf('.')), k.qualifiedName.substring(k.qualifiedName.lastIndexOf('.') + 1));
            case null, default -> throw fail("cannot instantiate a " + describe(cls));
        };
    }

    // ---- containers ------------------------------------------------------------------------------

    private void appendTo(Object target, List<Object> items) {
        List<Object> list = switch (target) {
            case ArrayList<?> l -> {
                @SuppressWarnings("unchecked") List<Object> cast = (List<Object>) l;
                yield cast;
            }
            case PythonObject o -> o.listItems;
            case null, default -> throw fail("APPEND to a " + describe(target));
        };
        for (Object o : items) {
            list.add(o);
            deepen(target, o);
        }
    }

    private void setItems(Object target, List<Object> kv) {
        Map<Object, Object> map = switch (target) {
            case Map<?, ?> m -> {
                @SuppressWarnings("unchecked") Map<Object, Object> cast = (Map<Object, Object>) m;
                yield cast;
            }
            case PythonObject o -> o.items;
            case null, default -> throw fail("SETITEM on a " + describe(target));
        };
        putPairs(map, kv);
        for (int i = 1; i < kv.size(); i += 2) deepen(target, kv.get(i));
    }

    private void putPairs(Map<Object, Object> map, List<Object> kv) {
        if (kv.size() % 2 != 0) throw fail("odd number of items (" + kv.size() + ") for key/value pairs");
        for (int i = 0; i < kv.size(); i += 2) {
            checkHashable(kv.get(i), 0, new int[] {MAX_KEY_NODES});
            map.put(kv.get(i), kv.get(i + 1));
            deepen(map, kv.get(i + 1));
        }
    }

    /**
     * Most values one dict key or set element may hold, counted as Python's hash walks them (a tuple shared
     * twice counts twice): a key built as t₍ᵢ₊₁₎ = (tᵢ, tᵢ) is 120 bytes of pickle and 2⁶⁰ values to hash, in
     * Python as in Java. No real checkpoint comes near this.
     */
    static final int MAX_KEY_NODES = 100_000;

    /** Python only hashes immutable values; refusing the rest also keeps Java's hashCode from recursing into cycles. */
    private void checkHashable(Object key, int depth, int[] budget) {
        if (depth > maxDepth) throw fail("dict key nested deeper than " + maxDepth);
        if (--budget[0] < 0) throw fail("dict key or set element holds more than " + MAX_KEY_NODES + " values (counting shared ones each time)");
        switch (key) {
            case null -> { }
            case String s -> { }
            case Long l -> { }
            case BigInteger b -> { }
            case Double d -> { }
            case Boolean b -> { }
            case byte[] b -> { }
            case PyGlobal g -> { }
            case PythonObject o -> { }
            case StorageType t -> { }
            case Known k -> { }
            case PyTuple t -> {
                for (Object o : t) checkHashable(o, depth + 1, budget);
            }
            default -> {
                if (key instanceof Set<?> s && s.getClass().getName().startsWith("java.util.Collections")) {
                    for (Object o : s) checkHashable(o, depth + 1, budget); // frozenset
                } else throw fail("unhashable " + describe(key) + " used as a dict key or set element");
            }
        }
    }

    private <T> T container(T c) {
        depths.put(c, 1);
        if (c instanceof List<?> l) for (Object o : l) deepen(c, o);
        else if (c instanceof Map<?, ?> m) for (Object o : m.values()) deepen(c, o);
        else if (c instanceof Set<?> s) for (Object o : s) deepen(c, o);
        else if (c instanceof PythonObject p) for (Object o : p.args()) deepen(c, o);
        return c;
    }

    private void deepen(Object parent, Object child) {
        if (child == null) return;
        Integer d = depths.get(child);
        if (d == null) return;
        int need = d + 1;
        Integer have = depths.get(parent);
        if (have == null || have < need) {
            if (need > maxDepth) throw fail("objects nested deeper than " + maxDepth + " levels");
            depths.put(parent, need);
        }
    }

    // ---- memo and stack --------------------------------------------------------------------------

    private void memoPut(long index) {
        if (stack.size() <= base()) throw fail("stack underflow (memo store with an empty stack)");
        if (memo.size() >= maxMemo && !memo.containsKey(index)) throw fail("memo holds more than " + maxMemo + " entries");
        memo.put(index, peek());
    }

    private void memoGet(long index) {
        if (!memo.containsKey(index)) throw fail("memo index " + index + " is not defined");
        push(memo.get(index));
    }

    private int base() {
        return marks.isEmpty() ? 0 : marks.getLast();
    }

    private void push(Object o) {
        if (stack.size() >= maxStack) throw fail("stack holds more than " + maxStack + " items");
        stack.add(o);
    }

    private Object pop() {
        if (stack.size() <= base()) throw fail("stack underflow");
        return stack.removeLast();
    }

    private Object peek() {
        if (stack.size() <= base()) throw fail("stack underflow");
        return stack.getLast();
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw fail("no MARK to pop to (stack underflow)");
        int from = marks.removeLast();
        List<Object> top = stack.subList(from, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    // ---- argument decoding -----------------------------------------------------------------------

    private int need(long n) {
        if (n < 0 || n > data.length - pos)
            throw fail("truncated: needs " + Long.toUnsignedString(n) + " bytes at byte " + pos + ", only " + (data.length - pos) + " left");
        return (int) n;
    }

    private int u8() {
        need(1);
        return data[pos++] & 0xff;
    }

    private int i32le() {
        need(4);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16 | (data[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    private long u32le() {
        return i32le() & 0xffffffffL;
    }

    private long i64le() {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (data[pos + i] & 0xff);
        pos += 8;
        return v;
    }

    private long i64be() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (data[pos + i] & 0xff);
        pos += 8;
        return v;
    }

    private byte[] bytes(long n) {
        int len = need(n);
        byte[] out = new byte[len];
        System.arraycopy(data, pos, out, 0, len);
        pos += len;
        return out;
    }

    private String utf8(long n) {
        int len = need(n);
        String s = new String(data, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    private String latin1(long n) {
        int len = need(n);
        String s = new String(data, pos, len, StandardCharsets.ISO_8859_1);
        pos += len;
        return s;
    }

    /** A newline-terminated argument of a text opcode (protocol 0). */
    private String line() {
        int end = pos;
        int limit = (int) Math.min(data.length, (long) pos + MAX_LINE);
        while (end < limit && data[end] != '\n') end++;
        if (end >= limit) throw fail(end >= data.length ? "truncated: text argument without a newline" : "text argument longer than " + MAX_LINE + " bytes");
        String s = new String(data, pos, end - pos, StandardCharsets.ISO_8859_1);
        pos = end + 1;
        return s;
    }

    private Object littleEndianInt(int n) {
        if (n > MAX_LONG_BYTES) throw fail("integer of " + n + " bytes is larger than the limit of " + MAX_LONG_BYTES);
        byte[] le = bytes(n);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        return normalize(new BigInteger(be));
    }

    private Object decimal(String s) {
        if (s.length() > MAX_LONG_BYTES * 3) throw fail("integer literal of " + s.length() + " digits is too long");
        try {
            return normalize(new BigInteger(s.trim()));
        } catch (NumberFormatException e) {
            throw fail("'" + s + "' is not an integer");
        }
    }

    private long decimalIndex(String s) {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) throw fail("negative memo index " + v);
            return v;
        } catch (NumberFormatException e) {
            throw fail("memo index '" + s + "' is not an integer");
        }
    }

    private static Object normalize(BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    // ---- errors ----------------------------------------------------------------------------------

    private TorchFormatException fail(String message) {
        return fail0(opStart, message + " (opcode " + Op.name(op) + ")");
    }

    private static TorchFormatException fail0(int offset, String message) {
        return new TorchFormatException("pickle byte " + offset + ": " + message);
    }

    /**
     * A short Python-like rendering of a value for error messages: at most {@link #SUMMARY_VALUES} values
     * and about 160 characters, whatever the value's size, sharing or cycles.
     */
    public static String summary(Object o) {
        StringBuilder out = new StringBuilder();
        summarise(o, out, new int[] {SUMMARY_VALUES});
        return out.toString();
    }

    static final int SUMMARY_VALUES = 24;

    private static void summarise(Object o, StringBuilder out, int[] budget) {
        if (--budget[0] < 0 || out.length() > 160) {
            if (out.isEmpty() || out.charAt(out.length() - 1) != '…') out.append("…");
            return;
        }
        switch (o) {
            case null -> out.append("None");
            case String s -> out.append('\'').append(s.length() > 40 ? s.substring(0, 40) + "…" : s).append('\'');
            case BigInteger b -> out.append(b.bitLength() > 128 ? "<int of " + b.bitLength() + " bits>" : b.toString());
            case Long l -> out.append(l);
            case Double d -> out.append(d);
            case Boolean b -> out.append(b ? "True" : "False");
            case PyTuple t -> items(t, "(", t.size() == 1 ? ",)" : ")", out, budget);
            case List<?> l -> items(l, "[", "]", out, budget);
            case Map<?, ?> m -> out.append("<dict of ").append(m.size()).append(m.size() == 1 ? " entry>" : " entries>");
            case Set<?> s -> out.append("<set of ").append(s.size()).append(s.size() == 1 ? " element>" : " elements>");
            default -> out.append(describe(o));
        }
    }

    private static void items(List<?> l, String open, String close, StringBuilder out, int[] budget) {
        out.append(open);
        for (int i = 0; i < l.size(); i++) {
            if (budget[0] <= 0 || out.length() > 160) { // cut: one ellipsis, then only the closers
                if (out.charAt(out.length() - 1) != '…') out.append(i > 0 ? ", …" : "…");
                break;
            }
            if (i > 0) out.append(", ");
            summarise(l.get(i), out, budget);
        }
        out.append(close);
    }

    /** A Python-flavoured name for a value's type, for error messages. */
    public static String describe(Object o) {
        return switch (o) {
            case null -> "None";
            case Boolean b -> "bool";
            case Long l -> "int";
            case BigInteger b -> "int";
            case Double d -> "float";
            case String s -> "str";
            case byte[] b -> "bytes";
            case PyTuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Set<?> s -> "set";
            case PyGlobal g -> "global " + g.qualifiedName();
            case PythonObject p -> p.toString();
            case StorageType t -> "torch." + t.name();
            case Known k -> k.qualifiedName;
            case dev.vq4j.core.io.TensorData t -> "tensor";
            default -> o.getClass().getSimpleName();
        };
    }
}
