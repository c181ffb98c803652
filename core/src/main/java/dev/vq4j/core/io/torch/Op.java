package dev.vq4j.core.io.torch;

/** Pickle opcodes, protocols 0 to 5, as documented in CPython's Lib/pickletools.py. */
final class Op {
    private Op() {}

    // protocol 0 and 1
    static final int MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2', FLOAT = 'F', INT = 'I', BININT = 'J',
            BININT1 = 'K', LONG = 'L', BININT2 = 'M', NONE = 'N', PERSID = 'P', BINPERSID = 'Q', REDUCE = 'R', STRING = 'S',
            BINSTRING = 'T', SHORT_BINSTRING = 'U', UNICODE = 'V', BINUNICODE = 'X', APPEND = 'a', BUILD = 'b', GLOBAL = 'c',
            DICT = 'd', EMPTY_DICT = '}', APPENDS = 'e', GET = 'g', BINGET = 'h', INST = 'i', LONG_BINGET = 'j', LIST = 'l',
            EMPTY_LIST = ']', OBJ = 'o', PUT = 'p', BINPUT = 'q', LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')',
            SETITEMS = 'u', BINFLOAT = 'G';
    // protocol 2
    static final int PROTO = 0x80, NEWOBJ = 0x81, EXT1 = 0x82, EXT2 = 0x83, EXT4 = 0x84, TUPLE1 = 0x85, TUPLE2 = 0x86, TUPLE3 = 0x87,
            NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b;
    // protocol 3
    static final int BINBYTES = 'B', SHORT_BINBYTES = 'C';
    // protocol 4
    static final int SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, EMPTY_SET = 0x8f, ADDITEMS = 0x90, FROZENSET = 0x91,
            NEWOBJ_EX = 0x92, STACK_GLOBAL = 0x93, MEMOIZE = 0x94, FRAME = 0x95;
    // protocol 5
    static final int BYTEARRAY8 = 0x96, NEXT_BUFFER = 0x97, READONLY_BUFFER = 0x98;

    private static final String[] NAMES = new String[256];

    static {
        String[][] table = {
            {"MARK", "("}, {"STOP", "."}, {"POP", "0"}, {"POP_MARK", "1"}, {"DUP", "2"}, {"FLOAT", "F"}, {"INT", "I"}, {"BININT", "J"},
            {"BININT1", "K"}, {"LONG", "L"}, {"BININT2", "M"}, {"NONE", "N"}, {"PERSID", "P"}, {"BINPERSID", "Q"}, {"REDUCE", "R"},
            {"STRING", "S"}, {"BINSTRING", "T"}, {"SHORT_BINSTRING", "U"}, {"UNICODE", "V"}, {"BINUNICODE", "X"}, {"APPEND", "a"},
            {"BUILD", "b"}, {"GLOBAL", "c"}, {"DICT", "d"}, {"EMPTY_DICT", "}"}, {"APPENDS", "e"}, {"GET", "g"}, {"BINGET", "h"},
            {"INST", "i"}, {"LONG_BINGET", "j"}, {"LIST", "l"}, {"EMPTY_LIST", "]"}, {"OBJ", "o"}, {"PUT", "p"}, {"BINPUT", "q"},
            {"LONG_BINPUT", "r"}, {"SETITEM", "s"}, {"TUPLE", "t"}, {"EMPTY_TUPLE", ")"}, {"SETITEMS", "u"}, {"BINFLOAT", "G"},
            {"BINBYTES", "B"}, {"SHORT_BINBYTES", "C"},
        };
        for (String[] e : table) NAMES[e[1].charAt(0)] = e[0];
        String[] high = {"PROTO", "NEWOBJ", "EXT1", "EXT2", "EXT4", "TUPLE1", "TUPLE2", "TUPLE3", "NEWTRUE", "NEWFALSE", "LONG1", "LONG4",
            "SHORT_BINUNICODE", "BINUNICODE8", "BINBYTES8", "EMPTY_SET", "ADDITEMS", "FROZENSET", "NEWOBJ_EX", "STACK_GLOBAL", "MEMOIZE",
            "FRAME", "BYTEARRAY8", "NEXT_BUFFER", "READONLY_BUFFER"};
        for (int i = 0; i < high.length; i++) NAMES[0x80 + i] = high[i];
    }

    static String name(int op) {
        String n = op >= 0 && op < 256 ? NAMES[op] : null;
        return n != null ? n : String.format("0x%02x", op);
    }
}
