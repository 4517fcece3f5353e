package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;

/** Unpacking of the packed 6-bit sub-block scales of the K-quants, shared by decoders and dot products. */
public final class KScales {

    private KScales() {
    }

    /** Q4_K / Q5_K: scale of sub-block {@code j} (0..7) from the 12 bytes at {@code offset} ({@code get_scale_min_k4}). */
    public static int q4Scale(MemorySegment s, long offset, int j) {
        if (j < 4) {
            return Numbers.u8(s, offset + j) & 63;
        }
        return (Numbers.u8(s, offset + j + 4) & 0xF) | ((Numbers.u8(s, offset + j - 4) >> 6) << 4);
    }

    /** Q4_K / Q5_K: min of sub-block {@code j} (0..7) from the 12 bytes at {@code offset}. */
    public static int q4Min(MemorySegment s, long offset, int j) {
        if (j < 4) {
            return Numbers.u8(s, offset + j + 4) & 63;
        }
        return (Numbers.u8(s, offset + j + 4) >> 4) | ((Numbers.u8(s, offset + j) >> 6) << 4);
    }

    /**
     * Q3_K: signed scale of sub-block {@code j} (0..15) from the 12 bytes at {@code offset}: low 4 bits
     * from byte j ({@code j < 8}) or the high nibble of byte j - 8, high 2 bits from byte 8 + j % 4; minus 32.
     */
    public static int q3Scale(MemorySegment s, long offset, int j) {
        int low = j < 8 ? Numbers.u8(s, offset + j) & 0xF : Numbers.u8(s, offset + j - 8) >> 4;
        int high = (Numbers.u8(s, offset + 8 + j % 4) >> (2 * (j / 4))) & 3;
        return (low | (high << 4)) - 32;
    }

    /**
     * Q4_K / Q5_K: the eight 6-bit scales of a block, scale j in byte j of the result, from the 12
     * scale bytes given as a little-endian long (bytes 0..7) and int (bytes 8..11): a few masks on whole
     * words instead of eight {@link #q4Scale} calls.
     */
    public static long q4Scales(long lo, int hi) {
        int lo32 = (int) lo;
        int first = lo32 & 0x3F3F3F3F;
        int second = (hi & 0x0F0F0F0F) | ((lo32 & 0xC0C0C0C0) >>> 2);
        return (first & 0xFFFFFFFFL) | ((long) second << 32);
    }

    /** Q4_K / Q5_K: the eight 6-bit mins of a block, min j in byte j, as {@link #q4Scales}. */
    public static long q4Mins(long lo, int hi) {
        int hi32 = (int) (lo >>> 32);
        int first = hi32 & 0x3F3F3F3F;
        int second = ((hi >>> 4) & 0x0F0F0F0F) | ((hi32 & 0xC0C0C0C0) >>> 2);
        return (first & 0xFFFFFFFFL) | ((long) second << 32);
    }

    /**
     * Q4_K / Q5_K: scale (bits 0..5) and min (bits 8..13) of sub-block {@code j} from the 12 scale bytes
     * given as a little-endian long (bytes 0..7) and int (bytes 8..11): two loads instead of twelve,
     * for fast paths.
     */
    public static int q4ScaleMin(long lo, int hi, int j) {
        int sc;
        int m;
        if (j < 4) {
            sc = byteAt(lo, hi, j) & 63;
            m = byteAt(lo, hi, j + 4) & 63;
        } else {
            sc = (byteAt(lo, hi, j + 4) & 0xF) | ((byteAt(lo, hi, j - 4) >> 6) << 4);
            m = (byteAt(lo, hi, j + 4) >> 4) | ((byteAt(lo, hi, j) >> 6) << 4);
        }
        return sc | (m << 8);
    }

    private static int byteAt(long lo, int hi, int k) {
        return k < 8 ? (int) (lo >>> (8 * k)) & 0xFF : (hi >>> (8 * (k - 8))) & 0xFF;
    }
}
