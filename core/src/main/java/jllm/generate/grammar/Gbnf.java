package jllm.generate.grammar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads GBNF, the grammar notation of llama.cpp ({@code --grammar-file}): rules {@code name ::= ...}
 * with alternatives {@code |}, string literals with escapes (newline, tab, backslash, quote, hex
 * {@code xHH}, {@code uHHHH}), character classes {@code [a-z]} and {@code [^...]}, {@code .} for any character, groups, the postfix operators
 * {@code * + ?} and {@code {m} {m,} {m,n}}, and {@code #} comments. The start rule is {@code root}.
 *
 * <pre>{@code
 * Grammar g = Gbnf.parse("root ::= \"yes\" | \"no\"");
 * }</pre>
 */
public final class Gbnf {
    private final String src;
    private int pos;
    private final Map<String, Expr> rules = new LinkedHashMap<>();

    private Gbnf(String src) {
        this.src = src;
    }

    /** Parses and compiles GBNF text (start rule {@code root}). */
    public static Grammar parse(String text) {
        return Grammar.compile(rules(text), "root");
    }

    /** Parses GBNF text into named rule expressions. */
    public static Map<String, Expr> rules(String text) {
        Gbnf p = new Gbnf(text);
        p.grammar();
        return p.rules;
    }

    private GrammarException error(String what) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(pos, src.length()); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new GrammarException("GBNF: " + what + " at line " + line + ", column " + col);
    }

    private void grammar() {
        space(true);
        while (pos < src.length()) {
            String name = name();
            space(false);
            if (!src.startsWith("::=", pos)) {
                throw error("expected ::= after rule name " + name);
            }
            pos += 3;
            space(true);
            Expr body = alternatives(false);
            if (rules.containsKey(name)) {
                throw error("rule " + name + " is defined twice");
            }
            rules.put(name, body);
            space(true);
        }
        if (!rules.containsKey("root")) {
            throw new GrammarException("GBNF: the grammar has no root rule");
        }
    }

    private void space(boolean newlines) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == ' ' || c == '\t' || ((c == '\n' || c == '\r') && newlines)) {
                pos++;
            } else {
                break;
            }
        }
    }

    private static boolean nameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    private String name() {
        int s = pos;
        while (pos < src.length() && nameChar(src.charAt(pos))) {
            pos++;
        }
        if (s == pos) {
            throw error("expected a rule name");
        }
        return src.substring(s, pos);
    }

    private Expr alternatives(boolean nested) {
        List<Expr> opts = new ArrayList<>();
        opts.add(sequence(nested));
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            space(true);
            opts.add(sequence(nested));
        }
        return Expr.alt(opts);
    }

    private Expr sequence(boolean nested) {
        List<Expr> parts = new ArrayList<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            Expr item;
            if (c == '"') {
                pos++;
                item = literal();
            } else if (c == '[') {
                pos++;
                item = charClass();
            } else if (c == '.') {
                pos++;
                item = Utf8.range(0, CodePoints.MAX);
            } else if (c == '(') {
                pos++;
                space(true);
                item = alternatives(true);
                if (pos >= src.length() || src.charAt(pos) != ')') {
                    throw error("expected )");
                }
                pos++;
            } else if (nameChar(c)) {
                int save = pos;
                String n = name();
                int after = pos;
                space(false);
                if (src.startsWith("::=", pos)) { // the next rule starts: this sequence has ended
                    pos = save;
                    break;
                }
                pos = after;
                item = Expr.ref(n);
            } else {
                break;
            }
            space(nested);
            item = postfix(item, nested);
            parts.add(item);
        }
        return parts.size() == 1 ? parts.getFirst() : new Expr.Seq(parts);
    }

    private Expr postfix(Expr item, boolean nested) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '*' || c == '+' || c == '?') {
                pos++;
                item = c == '*' ? Expr.star(item) : c == '+' ? Expr.plus(item) : Expr.opt(item);
            } else if (c == '{') {
                pos++;
                space(nested);
                int min = number();
                int max = min;
                space(nested);
                if (pos < src.length() && src.charAt(pos) == ',') {
                    pos++;
                    space(nested);
                    max = pos < src.length() && Character.isDigit(src.charAt(pos)) ? number() : -1;
                    space(nested);
                }
                if (pos >= src.length() || src.charAt(pos) != '}') {
                    throw error("expected } to close a repetition");
                }
                pos++;
                item = new Expr.Repeat(item, min, max);
            } else {
                break;
            }
            space(nested);
        }
        return item;
    }

    private int number() {
        int s = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (s == pos || pos - s > 6) {
            throw error("expected a repetition count (at most 6 digits)");
        }
        return Integer.parseInt(src.substring(s, pos));
    }

    private int codePoint() {
        if (pos >= src.length()) {
            throw error("unexpected end of grammar");
        }
        int c = src.codePointAt(pos);
        pos += Character.charCount(c);
        if (c != '\\') {
            return c;
        }
        if (pos >= src.length()) {
            throw error("unexpected end after \\");
        }
        char e = src.charAt(pos++);
        return switch (e) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case '\\', '"', '[', ']', '-', '^' -> e;
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            default -> throw error("unknown escape \\" + e);
        };
    }

    private int hex(int n) {
        int v = hexAt(src, pos, n, this::error);
        pos += n;
        return v;
    }

    /**
     * The value of the n hex digits at {@code src[pos...]} (an escape's code point); {@code error} makes
     * the parser's exception when there are fewer, one is not a hex digit, or the value passes 2^31 - 1.
     * Shared with {@link Regex}.
     */
    static int hexAt(String src, int pos, int n, Function<String, GrammarException> error) {
        long v = pos + n > src.length() ? -1 : 0;
        for (int i = pos; i < pos + n && v >= 0; i++) {
            int d = Character.digit(src.charAt(i), 16);
            v = d < 0 ? -1 : v * 16 + d;
        }
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw error.apply("expected " + n + " hex digits");
        }
        return (int) v;
    }

    private Expr literal() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw error("unterminated string literal");
            }
            if (src.charAt(pos) == '"') {
                pos++;
                break;
            }
            sb.appendCodePoint(codePoint());
        }
        return sb.isEmpty() ? Expr.EMPTY : Expr.literal(sb.toString());
    }

    private Expr charClass() {
        boolean negate = pos < src.length() && src.charAt(pos) == '^';
        if (negate) {
            pos++;
        }
        List<int[]> ranges = new ArrayList<>();
        while (true) {
            if (pos >= src.length()) {
                throw error("unterminated character class");
            }
            if (src.charAt(pos) == ']') {
                pos++;
                break;
            }
            int lo = codePoint();
            int hi = lo;
            if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                hi = codePoint();
            }
            ranges.add(new int[] {lo, hi});
        }
        int[] set = CodePoints.normalize(ranges);
        return Utf8.ranges(negate ? CodePoints.complement(set) : set);
    }
}
