package jllm.generate.schema;

import java.util.ArrayList;
import java.util.List;

import jllm.generate.grammar.Expr;

/**
 * Decimal numbers within bounds as grammars, exactly: integers in [lo, hi] digit by digit (the classic
 * range-to-pattern split), and plain decimals (no exponent) with integer-valued bounds, inclusive or not.
 * A bound of null is unbounded.
 */
final class NumberRanges {
    private NumberRanges() {
    }

    private static final Expr DIGIT = Expr.range('0', '9');

    /** Integers in [lo, hi] (either may be null), no leading zeros. */
    static Expr integer(Long lo, Long hi) {
        List<Expr> opts = new ArrayList<>();
        if (lo == null || lo < 0) { // negative part: magnitudes in [max(1, -hi), -lo]
            long mLo = hi == null || hi >= 0 ? 1 : -hi;
            Long mHi = lo == null ? null : -lo;
            if (mHi == null || mLo <= mHi) {
                opts.add(Expr.seq(Expr.literal("-"), magnitude(mLo, mHi)));
            }
        }
        if (hi == null || hi >= 0) {
            long a = lo == null || lo < 0 ? 0 : lo;
            if (hi == null || a <= hi) {
                opts.add(magnitude(a, hi));
            }
        }
        return opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts);
    }

    /** Non-negative integers in [a, b] (b null = unbounded), no leading zeros. */
    static Expr magnitude(long a, Long b) {
        List<Expr> opts = new ArrayList<>();
        int la = Long.toString(a).length();
        int lb = b == null ? 19 : Long.toString(b).length();
        for (int len = la; len <= lb; len++) {
            long lo = Math.max(a, len == 1 ? 0 : pow10(len - 1));
            long hi = len >= 19 ? Long.MAX_VALUE : pow10(len) - 1;
            if (b != null) {
                hi = Math.min(hi, b);
            }
            if (lo > hi) {
                continue;
            }
            if (b == null && len == la) {
                opts.add(sameLength(Long.toString(lo), Long.toString(hi)));
                // and every longer number
                opts.add(Expr.seq(Expr.range('1', '9'), new Expr.Repeat(DIGIT, len, -1)));
                break;
            }
            opts.add(sameLength(Long.toString(lo), Long.toString(hi)));
        }
        return opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts);
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    /** Digit strings of one length from lo to hi (as strings, leading zeros kept). */
    private static Expr sameLength(String lo, String hi) {
        if (lo.equals(hi)) {
            return Expr.literal(lo);
        }
        int n = lo.length();
        char dl = lo.charAt(0);
        char dh = hi.charAt(0);
        if (n == 1) {
            return Expr.range(dl, dh);
        }
        String rl = lo.substring(1);
        String rh = hi.substring(1);
        if (dl == dh) {
            return Expr.seq(Expr.literal(String.valueOf(dl)), sameLength(rl, rh));
        }
        boolean lowFull = rl.chars().allMatch(c -> c == '0');
        boolean highFull = rh.chars().allMatch(c -> c == '9');
        List<Expr> opts = new ArrayList<>();
        char midLo = lowFull ? dl : (char) (dl + 1);
        char midHi = highFull ? dh : (char) (dh - 1);
        if (!lowFull) {
            opts.add(Expr.seq(Expr.literal(String.valueOf(dl)), sameLength(rl, "9".repeat(n - 1))));
        }
        if (midLo <= midHi) {
            opts.add(Expr.seq(Expr.range(midLo, midHi), new Expr.Repeat(DIGIT, n - 1, n - 1)));
        }
        if (!highFull) {
            opts.add(Expr.seq(Expr.literal(String.valueOf(dh)), sameLength("0".repeat(n - 1), rh)));
        }
        return Expr.alt(opts);
    }

    /**
     * Plain decimals (optional fraction, no exponent) x with lo (<) <= x (<) <= hi, bounds integers or null.
     */
    static Expr decimal(Long lo, boolean loExclusive, Long hi, boolean hiExclusive) {
        List<Expr> opts = new ArrayList<>();
        // negative side: magnitude m = -x, with max(0, -hi) <= m <= -lo
        if (lo == null || lo < 0) {
            long mLo = hi == null || hi >= 0 ? 0 : -hi;
            boolean mLoEx = hi != null && hi < 0 && hiExclusive;
            if (hi != null && hi >= 0) {
                mLoEx = true; // m = 0 is the non-negative side's
            }
            Expr m = magnitudeDecimal(mLo, mLoEx, lo == null ? null : -lo, loExclusive);
            if (m != Expr.NOTHING) {
                opts.add(Expr.seq(Expr.literal("-"), m));
            }
        }
        if (hi == null || hi >= 0) {
            long a = lo == null || lo < 0 ? 0 : lo;
            boolean aEx = lo != null && lo >= 0 && loExclusive;
            Expr m = magnitudeDecimal(a, aEx, hi, hiExclusive);
            if (m != Expr.NOTHING) {
                opts.add(m);
            }
        }
        return opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts);
    }

    private static Expr magnitudeDecimal(long a, boolean aEx, Long b, boolean bEx) {
        Expr anyFrac = Expr.opt(Expr.seq(Expr.literal("."), Expr.plus(DIGIT)));
        Expr zeroFrac = Expr.opt(Expr.seq(Expr.literal("."), Expr.plus(Expr.literal("0"))));
        Expr nonZeroFrac = Expr.seq(Expr.literal("."), Expr.star(DIGIT), Expr.range('1', '9'), Expr.star(DIGIT));
        List<Expr> opts = new ArrayList<>();
        if (b != null && a > b) {
            return Expr.NOTHING;
        }
        if (b != null && a == b) {
            return aEx || bEx ? Expr.NOTHING : Expr.seq(magnitude(a, a), zeroFrac);
        }
        // integer part a: any fraction, or a non-zero one when a itself is excluded
        opts.add(Expr.seq(magnitude(a, a), aEx ? nonZeroFrac : anyFrac));
        // integer parts strictly between: any fraction
        if (b == null) {
            opts.add(Expr.seq(magnitude(a + 1, null), anyFrac));
        } else {
            if (a + 1 <= b - 1) {
                opts.add(Expr.seq(magnitude(a + 1, b - 1), anyFrac));
            }
            if (!bEx) {
                opts.add(Expr.seq(magnitude(b, b), zeroFrac));
            }
        }
        return Expr.alt(opts);
    }
}
