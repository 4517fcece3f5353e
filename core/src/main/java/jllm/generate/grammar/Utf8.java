package jllm.generate.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Code point ranges as byte-level expressions: the UTF-8 encodings of every code point in [lo, hi]
 * (surrogates excluded), split into sequences of byte ranges, so that a token holding only part of a
 * character is judged byte by byte.
 */
public final class Utf8 {
    private Utf8() {
    }

    /** The UTF-8 encodings of the code points in the sorted, disjoint ranges {@code (lo, hi)} pairs. */
    public static Expr ranges(int[] pairs) {
        List<Expr> out = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            int lo = pairs[i];
            int hi = pairs[i + 1];
            // surrogates have no UTF-8 encoding
            if (lo <= 0xDFFF && hi >= 0xD800) {
                if (lo < 0xD800) {
                    split(lo, 0xD7FF, out);
                }
                if (hi > 0xDFFF) {
                    split(0xE000, hi, out);
                }
            } else {
                split(lo, hi, out);
            }
        }
        return out.isEmpty() ? Expr.NOTHING : Expr.alt(mergeSingleBytes(out));
    }

    /** One code point range. */
    public static Expr range(int lo, int hi) {
        return ranges(new int[] {lo, hi});
    }

    private static final int[] LIMITS = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};

    private static void split(int lo, int hi, List<Expr> out) {
        if (lo > hi) {
            return;
        }
        for (int i = 0; i < LIMITS.length - 1; i++) {
            if (lo <= LIMITS[i] && hi > LIMITS[i]) {
                split(lo, LIMITS[i], out);
                split(LIMITS[i] + 1, hi, out);
                return;
            }
        }
        if (hi <= 0x7F) {
            out.add(Expr.range(lo, hi));
            return;
        }
        int n = hi <= 0x7FF ? 2 : hi <= 0xFFFF ? 3 : 4;
        for (int i = 1; i < n; i++) {
            int max = (1 << (6 * i)) - 1;
            if ((lo & ~max) != (hi & ~max)) {
                if ((lo & max) != 0) {
                    split(lo, lo | max, out);
                    split((lo | max) + 1, hi, out);
                    return;
                }
                if ((hi & max) != max) {
                    split(lo, (hi & ~max) - 1, out);
                    split(hi & ~max, hi, out);
                    return;
                }
            }
        }
        byte[] a = encode(lo);
        byte[] b = encode(hi);
        Expr[] parts = new Expr[a.length];
        for (int k = 0; k < a.length; k++) {
            parts[k] = Expr.range(a[k] & 0xFF, b[k] & 0xFF);
        }
        out.add(Expr.seq(parts));
    }

    static byte[] encode(int cp) {
        return new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Joins the one-byte options into one byte set (fewer alternatives, fewer parse stacks). */
    private static List<Expr> mergeSingleBytes(List<Expr> options) {
        long[] bits = new long[4];
        List<Expr> rest = new ArrayList<>();
        for (Expr e : options) {
            if (e instanceof Expr.Bytes b) {
                for (int k = 0; k < 4; k++) {
                    bits[k] |= b.bits()[k];
                }
            } else {
                rest.add(e);
            }
        }
        if ((bits[0] | bits[1] | bits[2] | bits[3]) != 0) {
            rest.addFirst(new Expr.Bytes(bits));
        }
        return rest;
    }
}
