package dev.caravan.batches.template;

import dev.caravan.batches.python.Limits;
import java.math.BigInteger;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits one template expression into Python tokens: names (NFKC-normalised, as Python does), numbers
 * (ints of any base, floats; complex refused), strings (all quote forms and prefixes, Python's escapes),
 * operators. Newlines count only outside brackets; {@code #} starts a comment.
 */
final class Lexer {

    private static final String[] OPS = {"**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "<<", ">>",
        "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="};
    private static final String SINGLE_OPS = "+-*/%@&|^~<>()[]{},:.;=!";

    private final String src;
    private final int base;
    private int pos;
    private int depth;
    private final List<Token> tokens = new ArrayList<>();

    private Lexer(String src, int base) {
        this.src = src;
        this.base = base;
    }

    /** Tokens of src; base is src's offset in the template, for columns in errors. */
    static List<Token> tokenize(String src, int base) {
        Lexer lexer = new Lexer(src, base);
        lexer.run();
        return lexer.tokens;
    }

    private TemplateException error(String message, int at) {
        return new TemplateException(message, base + at + 1);
    }

    private void run() {
        while (true) {
            skipSpace();
            if (pos >= src.length()) {
                tokens.add(new Token(Token.Kind.END, "", null, base + pos, (char) 0));
                return;
            }
            char c = src.charAt(pos);
            if (c == '\n' || c == '\r') {
                if (depth == 0) {
                    tokens.add(new Token(Token.Kind.NEWLINE, "\n", null, base + pos, (char) 0));
                }
                pos++;
            } else if (isDigit(c) || (c == '.' && pos + 1 < src.length() && isDigit(src.charAt(pos + 1)))) {
                number();
            } else if (isNameStart(src.codePointAt(pos))) {
                nameOrString();
            } else if (c == '\'' || c == '"') {
                string(pos, "");
            } else {
                operator();
            }
        }
    }

    private void skipSpace() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\f') {
                pos++;
            } else if (c == '\\' && pos + 1 < src.length() && (src.charAt(pos + 1) == '\n'
                    || src.charAt(pos + 1) == '\r')) {
                pos += 2;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos++;
                }
            } else if ((c == '\n' || c == '\r') && depth > 0) {
                pos++;
            } else {
                return;
            }
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(int cp) {
        return cp == '_' || Character.isUnicodeIdentifierStart(cp);
    }

    private static boolean isNamePart(int cp) {
        return cp == '_' || Character.isUnicodeIdentifierPart(cp) && !Character.isIdentifierIgnorable(cp);
    }

    private void nameOrString() {
        int start = pos;
        while (pos < src.length() && isNamePart(src.codePointAt(pos))) {
            pos += Character.charCount(src.codePointAt(pos));
        }
        String word = src.substring(start, pos);
        if (pos < src.length() && (src.charAt(pos) == '\'' || src.charAt(pos) == '"')
                && word.length() <= 2 && word.toLowerCase(Locale.ROOT).matches("r|u|f|b|br|rb|fr|rf")) {
            string(start, word.toLowerCase(Locale.ROOT));
            return;
        }
        boolean ascii = word.chars().allMatch(ch -> ch < 128);
        String name = ascii ? word : Normalizer.normalize(word, Normalizer.Form.NFKC);
        tokens.add(new Token(Token.Kind.NAME, name, null, base + start, (char) 0));
    }

    private void operator() {
        for (String op : OPS) {
            if (src.startsWith(op, pos)) {
                tokens.add(new Token(Token.Kind.OP, op, null, base + pos, (char) 0));
                pos += op.length();
                return;
            }
        }
        char c = src.charAt(pos);
        if (SINGLE_OPS.indexOf(c) < 0) {
            int cp = src.codePointAt(pos);
            throw error(String.format("invalid character '%s' (U+%04X) in template expression",
                    new String(Character.toChars(cp)), cp), pos);
        }
        if ("([{".indexOf(c) >= 0) {
            depth++;
        } else if (")]}".indexOf(c) >= 0 && depth > 0) {
            depth--;
        }
        tokens.add(new Token(Token.Kind.OP, String.valueOf(c), null, base + pos, (char) 0));
        pos++;
    }

    // ---- numbers

    private void number() {
        int start = pos;
        char c = src.charAt(pos);
        if (c == '0' && pos + 1 < src.length() && "xXoObB".indexOf(src.charAt(pos + 1)) >= 0) {
            char kind = Character.toLowerCase(src.charAt(pos + 1));
            int radix = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
            pos += 2;
            String digits = digitRun(radix, true);
            if (digits.isEmpty()) {
                throw error("invalid " + (radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary")
                        + " literal", start);
            }
            endOfNumber(start);
            addInt(new BigInteger(digits, radix), start);
            return;
        }
        String intPart = c == '.' ? "" : digitRun(10, false);
        boolean isFloat = false;
        String frac = "";
        String exp = "";
        if (pos < src.length() && src.charAt(pos) == '.') {
            isFloat = true;
            pos++;
            if (pos < src.length() && isDigit(src.charAt(pos))) {
                frac = digitRun(10, false);
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            String sign = "";
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                sign = String.valueOf(src.charAt(pos++));
            }
            if (pos < src.length() && isDigit(src.charAt(pos))) {
                exp = "e" + sign + digitRun(10, false);
                isFloat = true;
            } else {
                pos = save;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'j' || src.charAt(pos) == 'J')) {
            throw error("complex numbers are not supported in templates", start);
        }
        endOfNumber(start);
        if (isFloat) {
            double d = Double.parseDouble((intPart.isEmpty() ? "0" : intPart) + "." + (frac.isEmpty() ? "0" : frac)
                    + exp);
            tokens.add(new Token(Token.Kind.NUMBER, src.substring(start, pos), d, base + start, (char) 0));
            return;
        }
        if (intPart.length() > 1 && intPart.charAt(0) == '0' && !intPart.chars().allMatch(ch -> ch == '0')) {
            throw error("leading zeros in decimal integer literals are not permitted;"
                    + " use an 0o prefix for octal integers", start);
        }
        addInt(new BigInteger(intPart), start);
    }

    private void addInt(BigInteger v, int start) {
        if (v.bitLength() > Limits.MAX_INT_BITS) {
            throw error("integer literal too large (more than " + Limits.MAX_INT_BITS + " bits)", start);
        }
        Object value = v.bitLength() < 64 ? (Object) v.longValue() : v;
        tokens.add(new Token(Token.Kind.NUMBER, src.substring(start, pos), value, base + start, (char) 0));
    }

    /** Digits with single underscores between them, as Python allows; returns them without underscores. */
    private String digitRun(int radix, boolean leadingUnderscore) {
        StringBuilder out = new StringBuilder();
        boolean lastUnderscore = !leadingUnderscore;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '_') {
                if (lastUnderscore) {
                    throw error("invalid number literal: misplaced '_'", pos);
                }
                lastUnderscore = true;
            } else if (Character.digit(c, radix) >= 0 && c < 128) {
                out.append(c);
                lastUnderscore = false;
            } else {
                break;
            }
            pos++;
        }
        if (lastUnderscore && out.length() > 0) {
            throw error("invalid number literal: trailing '_'", pos - 1);
        }
        return out.toString();
    }

    private void endOfNumber(int start) {
        if (pos < src.length() && isNamePart(src.codePointAt(pos))) {
            throw error("invalid number literal '" + src.substring(start, pos + 1) + "'", start);
        }
    }

    // ---- strings

    private void string(int start, String prefix) {
        if (prefix.contains("b")) {
            throw error("bytes literals are not supported in templates", start);
        }
        boolean raw = prefix.contains("r");
        char quote = src.charAt(pos);
        boolean triple = src.startsWith(String.valueOf(quote).repeat(3), pos);
        pos += triple ? 3 : 1;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw error("unterminated " + (triple ? "triple-quoted " : "") + "string literal", start);
            }
            char c = src.charAt(pos);
            if (c == quote && (!triple || src.startsWith(String.valueOf(quote).repeat(3), pos))) {
                pos += triple ? 3 : 1;
                break;
            }
            if ((c == '\n' || c == '\r') && !triple) {
                throw error("unterminated string literal", start);
            }
            if (c == '\\') {
                if (pos + 1 >= src.length()) {
                    throw error("unterminated string literal", start);
                }
                if (raw) {
                    out.append(c).append(src.charAt(pos + 1));
                    pos += 2;
                } else {
                    escape(out, start);
                }
                continue;
            }
            out.append(c);
            pos++;
        }
        char kind = prefix.contains("f") ? 'f' : 's';
        tokens.add(new Token(Token.Kind.STRING, src.substring(start, pos), out.toString(), base + start, kind));
    }

    private void escape(StringBuilder out, int start) {
        int at = pos;
        char e = src.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case '\n' -> { }
            case '\r' -> {
                if (pos < src.length() && src.charAt(pos) == '\n') {
                    pos++;
                }
            }
            case '\\', '\'', '"' -> out.append(e);
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000b');
            case 'x' -> out.appendCodePoint(hex(2, "\\xXX", at));
            case 'u' -> out.appendCodePoint(hex(4, "\\uXXXX", at));
            case 'U' -> {
                int cp = hex(8, "\\UXXXXXXXX", at);
                if (cp > Character.MAX_CODE_POINT || cp < 0) {
                    throw error("illegal Unicode character in string literal", at);
                }
                out.appendCodePoint(cp);
            }
            case 'N' -> out.appendCodePoint(named(at));
            default -> {
                if (e >= '0' && e <= '7') {
                    int v = e - '0';
                    for (int i = 0; i < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7';
                            i++) {
                        v = v * 8 + (src.charAt(pos++) - '0');
                    }
                    out.append((char) v);
                } else {
                    // Python keeps an unknown escape as written
                    out.append('\\').append(e);
                }
            }
        }
    }

    private int hex(int n, String form, int at) {
        if (pos + n > src.length()) {
            throw error("truncated " + form + " escape in string literal", at);
        }
        String digits = src.substring(pos, pos + n);
        if (!digits.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 && ch < 128)) {
            throw error("truncated " + form + " escape in string literal", at);
        }
        pos += n;
        return (int) Long.parseLong(digits, 16);
    }

    private int named(int at) {
        int close = src.indexOf('}', pos);
        if (pos >= src.length() || src.charAt(pos) != '{' || close < 0) {
            throw error("malformed \\N character escape in string literal", at);
        }
        String name = src.substring(pos + 1, close);
        pos = close + 1;
        try {
            return Character.codePointOf(name);
        } catch (IllegalArgumentException e) {
            throw error("unknown Unicode character name in string literal", at);
        }
    }
}
