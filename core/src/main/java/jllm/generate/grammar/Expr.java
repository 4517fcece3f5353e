package jllm.generate.grammar;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A grammar expression over bytes, as the front ends (GBNF, regular expressions, JSON Schema) build it
 * before {@link Grammar#compile} flattens it: byte sets, sequences, alternatives, bounded or unbounded
 * repetition and references to named rules.
 */
public sealed interface Expr {

    /** One byte out of a set (bit b of {@code bits[b >> 6]}). */
    record Bytes(long[] bits) implements Expr {
        public boolean has(int b) {
            return (bits[b >> 6] >>> (b & 63) & 1) != 0;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes other && Arrays.equals(bits, other.bits);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bits);
        }
    }

    /** Each part in turn. */
    record Seq(List<Expr> parts) implements Expr {
    }

    /** One of the options. */
    record Alt(List<Expr> options) implements Expr {
    }

    /** {@code body} repeated between {@code min} and {@code max} times ({@code max} -1 = unbounded). */
    record Repeat(Expr body, int min, int max) implements Expr {
    }

    /** The rule of this name. */
    record Ref(String name) implements Expr {
    }

    /** The empty string. */
    Expr EMPTY = new Seq(List.of());

    /** Nothing at all (an empty set of bytes). */
    Expr NOTHING = new Bytes(new long[4]);

    /** The byte range [lo, hi]. */
    static Bytes range(int lo, int hi) {
        long[] bits = new long[4];
        for (int b = lo; b <= hi; b++) {
            bits[b >> 6] |= 1L << (b & 63);
        }
        return new Bytes(bits);
    }

    /** One of the given ASCII characters. */
    static Bytes anyOf(String chars) {
        long[] bits = new long[4];
        for (int i = 0; i < chars.length(); i++) {
            int b = chars.charAt(i);
            bits[b >> 6] |= 1L << (b & 63);
        }
        return new Bytes(bits);
    }

    /** The UTF-8 bytes of {@code text}. */
    static Expr literal(String text) {
        return literal(text.getBytes(StandardCharsets.UTF_8));
    }

    /** These bytes. */
    static Expr literal(byte[] bytes) {
        if (bytes.length == 1) {
            return range(bytes[0] & 0xFF, bytes[0] & 0xFF);
        }
        List<Expr> parts = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            parts.add(range(b & 0xFF, b & 0xFF));
        }
        return new Seq(parts);
    }

    static Expr seq(Expr... parts) {
        return parts.length == 1 ? parts[0] : new Seq(List.of(parts));
    }

    static Expr alt(Expr... options) {
        return options.length == 1 ? options[0] : new Alt(List.of(options));
    }

    static Expr alt(List<Expr> options) {
        return options.size() == 1 ? options.getFirst() : new Alt(List.copyOf(options));
    }

    /**
     * One of these byte strings, as a prefix tree: alternatives sharing a prefix share its positions, so a
     * parse holds one stack where a plain alternative of N literals would hold N (a huge enum stays cheap).
     */
    static Expr oneOfLiterals(List<byte[]> words) {
        List<byte[]> sorted = new ArrayList<>(words);
        sorted.sort(Arrays::compareUnsigned);
        List<byte[]> distinct = new ArrayList<>();
        for (byte[] w : sorted) {
            if (distinct.isEmpty() || !Arrays.equals(distinct.getLast(), w)) {
                distinct.add(w);
            }
        }
        return distinct.isEmpty() ? NOTHING : prefixTree(distinct, 0, distinct.size(), 0);
    }

    /** The words [lo, hi) (sorted, distinct, sharing their first d bytes) from byte d on. */
    private static Expr prefixTree(List<byte[]> w, int lo, int hi, int d) {
        List<Expr> options = new ArrayList<>();
        int i = lo;
        if (w.get(i).length == d) {
            options.add(EMPTY); // sorted: a word that ends here comes first
            i++;
        }
        while (i < hi) {
            int b = w.get(i)[d];
            int j = i + 1;
            while (j < hi && w.get(j)[d] == b) {
                j++;
            }
            // the run's common prefix is the first and last word's (they are sorted)
            byte[] first = w.get(i);
            byte[] last = w.get(j - 1);
            int e = d + 1;
            while (e < first.length && e < last.length && first[e] == last[e]) {
                e++;
            }
            Expr head = literal(Arrays.copyOfRange(first, d, e));
            options.add(j - i == 1 && first.length == e ? head : new Seq(List.of(head, prefixTree(w, i, j, e))));
            i = j;
        }
        return alt(options);
    }

    static Expr opt(Expr e) {
        return new Repeat(e, 0, 1);
    }

    static Expr star(Expr e) {
        return new Repeat(e, 0, -1);
    }

    static Expr plus(Expr e) {
        return new Repeat(e, 1, -1);
    }

    static Expr ref(String name) {
        return new Ref(name);
    }
}
