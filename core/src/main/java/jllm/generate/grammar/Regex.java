package jllm.generate.grammar;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Regular expressions (the ECMA-262 subset JSON Schema patterns use: alternation, groups, classes,
 * {@code . \d \w \s}, the quantifiers {@code * + ? {m,n}} and their lazy forms, {@code ^}/{@code $} at
 * the edges) as grammar expressions. Characters go through an encoder, so that a pattern on a JSON
 * string's value becomes a grammar of its escaped text. Lookaround, back-references and word boundaries
 * are refused ({@link GrammarException} naming them). A pattern not anchored at an end may be
 * surrounded by any text there, as JSON Schema's search semantics ask.
 */
public final class Regex {
    private final String src;
    private int pos;
    private final Function<int[], Expr> encode;

    private static final Expr START = new Expr.Seq(List.of());
    private static final Expr END = new Expr.Seq(List.of());

    private Regex(String src, Function<int[], Expr> encode) {
        this.src = src;
        this.encode = encode;
    }

    /** The expression for {@code pattern}; {@code encode} turns a code point set into the text that spells it. */
    public static Expr parse(String pattern, Function<int[], Expr> encode) {
        Regex r = new Regex(pattern, encode);
        List<Expr> alts = r.alternatives();
        if (r.pos < pattern.length()) {
            throw r.error("unexpected ')'");
        }
        Expr any = Expr.star(encode.apply(new int[] {0, CodePoints.MAX}));
        List<Expr> out = new ArrayList<>();
        for (Expr a : alts) {
            List<Expr> parts = new ArrayList<>(a instanceof Expr.Seq s && a != START && a != END ? s.parts() : List.of(a));
            boolean anchoredStart = !parts.isEmpty() && parts.getFirst() == START;
            if (anchoredStart) {
                parts.removeFirst();
            }
            boolean anchoredEnd = !parts.isEmpty() && parts.getLast() == END;
            if (anchoredEnd) {
                parts.removeLast();
            }
            if (contains(parts)) {
                throw new GrammarException("pattern " + pattern + ": ^ or $ inside the pattern is not supported");
            }
            if (!anchoredStart) {
                parts.addFirst(any);
            }
            if (!anchoredEnd) {
                parts.add(any);
            }
            out.add(new Expr.Seq(parts));
        }
        return Expr.alt(out);
    }

    private static boolean contains(List<Expr> parts) {
        for (Expr e : parts) {
            if (e == START || e == END) {
                return true;
            }
            boolean inner = switch (e) {
                case Expr.Seq s -> contains(s.parts());
                case Expr.Alt a -> contains(a.options());
                case Expr.Repeat r -> contains(List.of(r.body()));
                default -> false;
            };
            if (inner) {
                return true;
            }
        }
        return false;
    }

    private GrammarException error(String what) {
        return new GrammarException("pattern " + src + ": " + what + " at offset " + pos);
    }

    private List<Expr> alternatives() {
        List<Expr> alts = new ArrayList<>();
        alts.add(sequence());
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            alts.add(sequence());
        }
        return alts;
    }

    private Expr sequence() {
        List<Expr> parts = new ArrayList<>();
        while (pos < src.length() && src.charAt(pos) != '|' && src.charAt(pos) != ')') {
            Expr atom = atom();
            parts.add(quantified(atom));
        }
        return new Expr.Seq(parts);
    }

    private Expr quantified(Expr atom) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            int min;
            int max;
            if (c == '*' || c == '+' || c == '?') {
                pos++;
                min = c == '+' ? 1 : 0;
                max = c == '?' ? 1 : -1;
            } else if (c == '{' && braceQuantifier()) {
                pos++;
                min = number();
                max = min;
                if (src.charAt(pos) == ',') {
                    pos++;
                    max = src.charAt(pos) == '}' ? -1 : number();
                }
                pos++; // '}'
            } else {
                break;
            }
            if (atom == START || atom == END) {
                throw error("a quantified anchor");
            }
            if (pos < src.length() && src.charAt(pos) == '?') {
                pos++; // lazy: the same language
            }
            atom = new Expr.Repeat(atom, min, max);
        }
        return atom;
    }

    private boolean braceQuantifier() {
        int i = pos + 1;
        int digits = 0;
        while (i < src.length() && Character.isDigit(src.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0) {
            return false;
        }
        if (i < src.length() && src.charAt(i) == ',') {
            i++;
            while (i < src.length() && Character.isDigit(src.charAt(i))) {
                i++;
            }
        }
        return i < src.length() && src.charAt(i) == '}';
    }

    private int number() {
        int s = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos - s > 6) {
            throw error("a repetition count over 6 digits");
        }
        return Integer.parseInt(src.substring(s, pos));
    }

    private Expr atom() {
        char c = src.charAt(pos);
        switch (c) {
            case '(' -> {
                pos++;
                if (src.startsWith("?:", pos)) {
                    pos += 2;
                } else if (src.startsWith("?<", pos) && pos + 2 < src.length() && src.charAt(pos + 2) != '=' && src.charAt(pos + 2) != '!') {
                    int gt = src.indexOf('>', pos);
                    pos = gt + 1; // a named group
                } else if (src.startsWith("?", pos)) {
                    throw error("lookaround (?" + (pos + 1 < src.length() ? src.charAt(pos + 1) : "") + " is not supported");
                }
                List<Expr> alts = alternatives();
                if (pos >= src.length() || src.charAt(pos) != ')') {
                    throw error("missing ')'");
                }
                pos++;
                return Expr.alt(alts);
            }
            case '[' -> {
                pos++;
                return encode.apply(charClass());
            }
            case '.' -> {
                pos++;
                return encode.apply(CodePoints.complement(new int[] {'\n', '\n', '\r', '\r', 0x2028, 0x2029}));
            }
            case '^' -> {
                pos++;
                return START;
            }
            case '$' -> {
                pos++;
                return END;
            }
            case '\\' -> {
                pos++;
                int[] set = escape(false);
                return encode.apply(set);
            }
            default -> {
                if (c == '*' || c == '+' || c == '?' || c == '{' && braceQuantifier()) {
                    throw error("nothing to repeat");
                }
                int cp = src.codePointAt(pos);
                pos += Character.charCount(cp);
                return encode.apply(new int[] {cp, cp});
            }
        }
    }

    private static final int[] DIGIT = {'0', '9'};
    private static final int[] WORD = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
    private static final int[] SPACE = CodePoints.normalize(List.of(new int[] {9, 13}, new int[] {' ', ' '}, new int[] {0xA0, 0xA0},
            new int[] {0x1680, 0x1680}, new int[] {0x2000, 0x200A}, new int[] {0x2028, 0x2029}, new int[] {0x202F, 0x202F},
            new int[] {0x205F, 0x205F}, new int[] {0x3000, 0x3000}, new int[] {0xFEFF, 0xFEFF}));

    /** After a backslash: the code point set it stands for. */
    private int[] escape(boolean inClass) {
        if (pos >= src.length()) {
            throw error("a trailing backslash");
        }
        char e = src.charAt(pos++);
        return switch (e) {
            case 'd' -> DIGIT;
            case 'D' -> CodePoints.complement(DIGIT);
            case 'w' -> WORD;
            case 'W' -> CodePoints.complement(WORD);
            case 's' -> SPACE;
            case 'S' -> CodePoints.complement(SPACE);
            case 'n' -> new int[] {'\n', '\n'};
            case 'r' -> new int[] {'\r', '\r'};
            case 't' -> new int[] {'\t', '\t'};
            case 'f' -> new int[] {'\f', '\f'};
            case 'v' -> new int[] {0x0B, 0x0B};
            case '0' -> new int[] {0, 0};
            case 'x' -> one(hex(2));
            case 'u' -> one(hex(4));
            case 'b' -> {
                if (inClass) {
                    yield new int[] {8, 8};
                }
                throw error("a word boundary \\b is not supported");
            }
            case 'B' -> throw error("\\B is not supported");
            case 'p', 'P' -> throw error("Unicode property escapes \\" + e + " are not supported");
            default -> {
                if (Character.isDigit(e)) {
                    throw error("back-references are not supported");
                }
                if (Character.isLetter(e)) {
                    throw error("unknown escape \\" + e);
                }
                yield one(e);
            }
        };
    }

    private static int[] one(int cp) {
        return new int[] {cp, cp};
    }

    private int hex(int n) {
        int v = Gbnf.hexAt(src, pos, n, this::error);
        pos += n;
        return v;
    }

    private int[] charClass() {
        boolean negate = pos < src.length() && src.charAt(pos) == '^';
        if (negate) {
            pos++;
        }
        List<int[]> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (pos >= src.length()) {
                throw error("missing ']'");
            }
            char c = src.charAt(pos);
            if (c == ']' && !(first && false)) {
                pos++;
                break;
            }
            first = false;
            int[] lo = classAtom();
            if (lo.length == 2 && lo[0] == lo[1] && pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                int[] hi = classAtom();
                if (hi.length != 2 || hi[0] != hi[1] || hi[0] < lo[0]) {
                    throw error("a bad range in a class");
                }
                ranges.add(new int[] {lo[0], hi[0]});
            } else {
                for (int i = 0; i < lo.length; i += 2) {
                    ranges.add(new int[] {lo[i], lo[i + 1]});
                }
            }
        }
        int[] set = CodePoints.normalize(ranges);
        return negate ? CodePoints.complement(set) : set;
    }

    private int[] classAtom() {
        char c = src.charAt(pos);
        if (c == '\\') {
            pos++;
            return escape(true);
        }
        int cp = src.codePointAt(pos);
        pos += Character.charCount(cp);
        return one(cp);
    }

    /** Encodes code points as themselves in UTF-8. */
    public static Expr raw(int[] set) {
        return Utf8.ranges(set);
    }

    /** Encodes code points as the text of a JSON string spells them ({@code "} and {@code \} and controls escaped). */
    public static Expr jsonString(int[] set) {
        int[] plain = CodePoints.minus(set, new int[] {0, 0x1F, '"', '"', '\\', '\\'});
        List<Expr> opts = new ArrayList<>();
        if (plain.length > 0) {
            opts.add(Utf8.ranges(plain));
        }
        int[] special = CodePoints.intersect(set, new int[] {0, 0x1F, '"', '"', '\\', '\\'});
        for (int i = 0; i < special.length; i += 2) {
            for (int cp = special[i]; cp <= special[i + 1]; cp++) {
                String esc = switch (cp) {
                    case '"' -> "\\\"";
                    case '\\' -> "\\\\";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    default -> String.format("\\u%04x", cp);
                };
                opts.add(Expr.literal(esc));
            }
        }
        return opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts);
    }
}
