package dev.vq4j.core.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The subset of YAML that model configs such as taming-transformers' {@code model.yaml} use: block
 * mappings and sequences by indentation, flow sequences and mappings on one line ({@code [1, 1, 2]},
 * {@code {a: 1}}), comments, and scalars resolved as PyYAML/OmegaConf do: int → Long, float → Double
 * ({@code 4.5e-06} and {@code 1e-6} alike), bool (true/false/yes/no/on/off) → Boolean, null/~ → null,
 * quoted and plain strings → String. Mappings are LinkedHashMaps with String keys in file order.
 *
 * <p>Anchors, aliases, tags, block scalars ({@code |}, {@code >}), multi-line flow collections,
 * multi-line plain scalars and multiple documents are refused with the line number.
 */
public final class Yaml {
    private static final Pattern INT = Pattern.compile("[-+]?(0|[1-9][0-9_]*)");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F_]+");
    private static final Pattern OCT = Pattern.compile("0o[0-7_]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+)");
    /** Deepest nesting accepted, of flow collections and of blocks (taming's configs nest 5 deep). */
    private static final int MAX_FLOW_DEPTH = 64, MAX_BLOCK_DEPTH = 64;

    private record Line(int number, int indent, String text) {}

    private final List<Line> lines = new ArrayList<>();
    private int at;
    private int blockDepth;

    private Yaml(String source) {
        String[] raw = source.split("\r\n|\n|\r", -1);
        boolean started = false;
        for (int i = 0; i < raw.length; i++) {
            String s = raw[i];
            int n = i + 1;
            int indent = 0;
            while (indent < s.length() && s.charAt(indent) == ' ') indent++;
            if (indent < s.length() && s.charAt(indent) == '\t') throw error(n, "tab in indentation (YAML indents with spaces)");
            String text = stripComment(s.substring(indent), n).stripTrailing();
            if (text.isEmpty()) continue;
            if (indent == 0 && text.startsWith("%")) throw error(n, "directives ('%') are not supported");
            if (indent == 0 && (text.equals("---") || text.startsWith("--- "))) {
                if (started) throw error(n, "multiple documents are not supported");
                if (!text.equals("---")) throw error(n, "content on the '---' line is not supported");
                started = true;
                continue;
            }
            if (indent == 0 && text.equals("...")) break;
            started = true;
            lines.add(new Line(n, indent, text));
        }
    }

    /** Parses a document; an empty document is null. */
    public static Object parse(String source) {
        Yaml y = new Yaml(source);
        if (y.lines.isEmpty()) return null;
        Line first = y.lines.getFirst();
        Object root = y.block(first.indent);
        if (y.at < y.lines.size()) {
            Line l = y.lines.get(y.at);
            throw error(l.number, "unexpected content at indentation " + l.indent + " (the document's top level is at " + first.indent + ")");
        }
        return root;
    }

    /** Parses a UTF-8 file; text in another encoding is a {@link YamlFormatException} naming the file and the first bad byte. */
    public static Object read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer text = CharBuffer.allocate(bytes.length);
        CoderResult r = utf8.decode(in, text, true);
        if (r.isError())
            throw new YamlFormatException(path + ": not UTF-8 text (byte " + in.position() + " is 0x"
                    + String.format("%02x", bytes[in.position()] & 0xff) + "); YAML files are read as UTF-8");
        utf8.flush(text);
        try {
            return parse(text.flip().toString());
        } catch (YamlFormatException e) {
            throw new YamlFormatException(path + ": " + e.getMessage());
        }
    }

    // ---- block structure -------------------------------------------------------------------------

    /** A mapping or sequence; every nested block passes through here, so the depth bound covers the recursion. */
    private Object block(int indent) {
        if (++blockDepth > MAX_BLOCK_DEPTH) throw error(lines.get(at).number, "blocks nested deeper than " + MAX_BLOCK_DEPTH);
        try {
            return isItem(lines.get(at).text) ? sequence(indent) : mapping(indent);
        } finally {
            blockDepth--;
        }
    }

    private static boolean isItem(String text) {
        return text.equals("-") || text.startsWith("- ");
    }

    private Map<String, Object> mapping(int indent) {
        Map<String, Object> map = new LinkedHashMap<>();
        while (at < lines.size() && lines.get(at).indent == indent) {
            Line l = lines.get(at);
            if (isItem(l.text)) throw error(l.number, "a sequence item where a mapping key was expected");
            int colon = mappingColon(l.text, l.number);
            if (colon < 0) throw error(l.number, "expected 'key: value', got '" + l.text + "'");
            String key = key(l.text.substring(0, colon).strip(), l.number);
            String rest = l.text.substring(colon + 1).strip();
            if (map.containsKey(key)) throw error(l.number, "duplicate key '" + key + "'");
            at++;
            Object value;
            if (rest.isEmpty()) {
                Line next = at < lines.size() ? lines.get(at) : null;
                if (next != null && next.indent > indent) value = block(next.indent);
                else if (next != null && next.indent == indent && isItem(next.text)) value = sequence(indent);
                else value = null;
            } else value = inline(rest, l.number);
            map.put(key, value);
            if (at < lines.size() && lines.get(at).indent > indent)
                throw error(lines.get(at).number, "unexpected indentation (multi-line plain scalars are not supported)");
        }
        return map;
    }

    private List<Object> sequence(int indent) {
        List<Object> list = new ArrayList<>();
        while (at < lines.size() && lines.get(at).indent == indent && isItem(lines.get(at).text)) {
            Line l = lines.get(at);
            String content = l.text.substring(1);
            int pad = 0;
            while (pad < content.length() && content.charAt(pad) == ' ') pad++;
            content = content.substring(pad);
            if (content.isEmpty()) {
                at++;
                Line next = at < lines.size() ? lines.get(at) : null;
                list.add(next != null && next.indent > indent ? block(next.indent) : null);
            } else if (isItem(content) || startsPlain(content) && mappingColon(content, l.number) >= 0) {
                // "- key: value" or "- - x": the item is a block that starts inside this line
                int inner = indent + 1 + pad;
                lines.set(at, new Line(l.number, inner, content));
                list.add(block(inner));
            } else {
                list.add(inline(content, l.number));
                at++;
            }
            if (at < lines.size() && lines.get(at).indent > indent)
                throw error(lines.get(at).number, "unexpected indentation (multi-line plain scalars are not supported)");
        }
        return list;
    }

    private static boolean startsPlain(String s) {
        char c = s.charAt(0);
        return c != '[' && c != '{';
    }

    /** The colon that ends a mapping key (followed by a space or the line end, outside quotes), or -1. */
    private static int mappingColon(String text, int line) {
        int i = 0;
        if (text.startsWith("\"") || text.startsWith("'")) {
            i = closingQuote(text, 0, line) + 1;
            while (i < text.length() && text.charAt(i) == ' ') i++;
            return i < text.length() && text.charAt(i) == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ') ? i : -1;
        }
        if (text.startsWith("[") || text.startsWith("{")) return -1;
        if (text.startsWith("? ")) throw error(line, "complex mapping keys ('? ') are not supported");
        for (; i < text.length(); i++)
            if (text.charAt(i) == ':' && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) return i;
        return -1;
    }

    private static String key(String raw, int line) {
        if (raw.isEmpty()) throw error(line, "empty mapping key");
        if (raw.startsWith("\"") || raw.startsWith("'")) {
            Object k = quoted(raw, line);
            return (String) k;
        }
        unsupportedStart(raw, line);
        return raw;
    }

    // ---- inline values ---------------------------------------------------------------------------

    private static Object inline(String text, int line) {
        char c = text.charAt(0);
        if (c == '[' || c == '{') {
            Flow f = new Flow(text, line);
            Object v = f.value(0);
            f.skipSpaces();
            if (f.pos < text.length()) throw error(line, "unexpected '" + text.substring(f.pos) + "' after a flow collection");
            return v;
        }
        if (c == '"' || c == '\'') return quoted(text, line);
        unsupportedStart(text, line);
        if (mappingColon(text, line) >= 0) throw error(line, "a mapping value is not allowed here ('" + text + "'); quote the string");
        return plain(text);
    }

    private static void unsupportedStart(String text, int line) {
        switch (text.charAt(0)) {
            case '&' -> throw error(line, "anchors ('&') are not supported");
            case '*' -> throw error(line, "aliases ('*') are not supported");
            case '!' -> throw error(line, "tags ('!') are not supported");
            case '|', '>' -> throw error(line, "block scalars ('|', '>') are not supported");
            case '@', '`' -> throw error(line, "'" + text.charAt(0) + "' cannot start a plain scalar");
            default -> { }
        }
    }

    /** A whole quoted scalar; nothing may follow the closing quote. */
    private static String quoted(String text, int line) {
        int end = closingQuote(text, 0, line);
        if (end != text.length() - 1) throw error(line, "unexpected '" + text.substring(end + 1) + "' after a quoted string");
        return unquote(text.substring(0, end + 1), line);
    }

    private static int closingQuote(String text, int from, int line) {
        char q = text.charAt(from);
        for (int i = from + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (q == '\'' && c == '\'') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\'') i++;
                else return i;
            } else if (q == '"' && c == '\\') i++;
            else if (q == '"' && c == '"') return i;
        }
        throw error(line, "unterminated quoted string (multi-line strings are not supported)");
    }

    private static String unquote(String s, int line) {
        String body = s.substring(1, s.length() - 1);
        if (s.charAt(0) == '\'') return body.replace("''", "'");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case '0' -> out.append('\0');
                case '\\', '"', '/', ' ' -> out.append(e);
                case 'x', 'u', 'U' -> {
                    int digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + digits >= body.length()) throw error(line, "short \\" + e + " escape");
                    try {
                        out.appendCodePoint(Integer.parseInt(body.substring(i + 1, i + 1 + digits), 16));
                    } catch (IllegalArgumentException bad) {
                        throw error(line, "bad \\" + e + " escape");
                    }
                    i += digits;
                }
                default -> throw error(line, "unknown escape '\\" + e + "'");
            }
        }
        return out.toString();
    }

    /** Resolves a plain scalar the way PyYAML's resolver (with OmegaConf's float fix) does. */
    static Object plain(String s) {
        switch (s) {
            case "~", "null", "Null", "NULL" -> {
                return null;
            }
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" -> {
                return Boolean.TRUE;
            }
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" -> {
                return Boolean.FALSE;
            }
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf", "-.Inf", "-.INF" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case ".nan", ".NaN", ".NAN" -> {
                return Double.NaN;
            }
            default -> { }
        }
        if (INT.matcher(s).matches()) return integer(s.replace("_", ""), 10);
        if (HEX.matcher(s).matches()) return integer(s.substring(2).replace("_", ""), 16);
        if (OCT.matcher(s).matches()) return integer(s.substring(2).replace("_", ""), 8);
        if (FLOAT.matcher(s).matches() && !s.equals(".") && !s.matches("[-+]?\\.([eE].*)?")) return Double.parseDouble(s.replace("_", ""));
        return s;
    }

    private static Object integer(String digits, int radix) {
        BigInteger b = new BigInteger(digits.startsWith("+") ? digits.substring(1) : digits, radix);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    /** Cuts a comment: '#' at the start or after a space, outside quotes. */
    private static String stripComment(String s, int line) {
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (quote == '"' && c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '#' && (i == 0 || s.charAt(i - 1) == ' ')) return s.substring(0, i);
            else if ((c == '"' || c == '\'') && (i == 0 || " [{,:-".indexOf(s.charAt(i - 1)) >= 0)) quote = c;
        }
        return s;
    }

    /** A one-line flow collection: [a, b, [c]] or {k: v, ...}. */
    private static final class Flow {
        final String s;
        final int line;
        int pos;

        Flow(String s, int line) {
            this.s = s;
            this.line = line;
        }

        void skipSpaces() {
            while (pos < s.length() && s.charAt(pos) == ' ') pos++;
        }

        Object value(int depth) {
            if (depth > MAX_FLOW_DEPTH) throw error(line, "flow collections nested deeper than " + MAX_FLOW_DEPTH);
            skipSpaces();
            if (pos >= s.length()) throw error(line, "flow collection continues past the line (multi-line flow collections are not supported)");
            char c = s.charAt(pos);
            if (c == '[') {
                pos++;
                List<Object> list = new ArrayList<>();
                skipSpaces();
                if (peek() == ']') {
                    pos++;
                    return list;
                }
                while (true) {
                    list.add(value(depth + 1));
                    skipSpaces();
                    char d = next();
                    if (d == ']') return list;
                    if (d != ',') throw error(line, "expected ',' or ']' in a flow sequence, got '" + d + "'");
                    skipSpaces();
                    if (peek() == ']') { // trailing comma
                        pos++;
                        return list;
                    }
                }
            }
            if (c == '{') {
                pos++;
                Map<String, Object> map = new LinkedHashMap<>();
                skipSpaces();
                if (peek() == '}') {
                    pos++;
                    return map;
                }
                while (true) {
                    Object k = value(depth + 1);
                    if (!(k instanceof String) && k != null && !(k instanceof Number) && !(k instanceof Boolean))
                        throw error(line, "flow mapping keys must be scalars");
                    skipSpaces();
                    if (next() != ':') throw error(line, "expected ':' after a flow mapping key");
                    String key = String.valueOf(k);
                    if (map.containsKey(key)) throw error(line, "duplicate key '" + key + "'");
                    map.put(key, value(depth + 1));
                    skipSpaces();
                    char d = next();
                    if (d == '}') return map;
                    if (d != ',') throw error(line, "expected ',' or '}' in a flow mapping, got '" + d + "'");
                }
            }
            if (c == '"' || c == '\'') {
                int end = closingQuote(s, pos, line);
                String v = unquote(s.substring(pos, end + 1), line);
                pos = end + 1;
                return v;
            }
            int start = pos;
            while (pos < s.length() && ",[]{}".indexOf(s.charAt(pos)) < 0 && !(s.charAt(pos) == ':' && (pos + 1 == s.length() || " ,]}".indexOf(s.charAt(pos + 1)) >= 0)))
                pos++;
            String text = s.substring(start, pos).strip();
            if (text.isEmpty()) throw error(line, "empty value in a flow collection");
            unsupportedStart(text, line);
            return plain(text);
        }

        char peek() {
            if (pos >= s.length()) throw error(line, "flow collection continues past the line (multi-line flow collections are not supported)");
            return s.charAt(pos);
        }

        char next() {
            char c = peek();
            pos++;
            return c;
        }
    }

    private static YamlFormatException error(int line, String message) {
        return new YamlFormatException("line " + line + ": " + message);
    }
}
