package dev.vq4j.core.io.torch;

/** Decoding of the text arguments of protocol-0 opcodes STRING (a quoted Python literal) and UNICODE (raw-unicode-escape). */
final class PickleText {
    private PickleText() {}

    /** STRING: a single- or double-quoted literal with backslash escapes. */
    static String quoted(String s) {
        if (s.length() < 2 || s.charAt(0) != s.charAt(s.length() - 1) || (s.charAt(0) != '\'' && s.charAt(0) != '"'))
            throw new TorchFormatException("STRING argument is not a quoted literal");
        String body = s.substring(1, s.length() - 1);
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= body.length()) throw new TorchFormatException("STRING argument ends in a lone backslash");
            char e = body.charAt(i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '0' -> out.append('\0');
                case '\\', '\'', '"' -> out.append(e);
                case 'x' -> {
                    out.append((char) hex(body, i + 1, 2));
                    i += 2;
                }
                default -> out.append('\\').append(e);
            }
        }
        return out.toString();
    }

    /** UNICODE: latin-1 text where only backslash-u and backslash-U escapes are special. */
    static String rawUnicodeEscape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                int digits = s.charAt(i + 1) == 'u' ? 4 : 8;
                int cp = hex(s, i + 2, digits);
                if (!Character.isValidCodePoint(cp)) throw new TorchFormatException("UNICODE argument has an invalid code point " + cp);
                out.appendCodePoint(cp);
                i += 1 + digits;
            } else out.append(c);
        }
        return out.toString();
    }

    private static int hex(String s, int from, int digits) {
        if (from + digits > s.length()) throw new TorchFormatException("escape needs " + digits + " hex digits");
        try {
            return (int) Long.parseLong(s.substring(from, from + digits), 16);
        } catch (NumberFormatException e) {
            throw new TorchFormatException("bad hex escape '" + s.substring(from, from + digits) + "'");
        }
    }
}
