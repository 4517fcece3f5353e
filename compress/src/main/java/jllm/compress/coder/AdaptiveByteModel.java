package jllm.compress.coder;

/**
 * An adaptive order-0 model of bytes: counts start at 1 and grow by 32 per byte seen, halved when the
 * total passes 2^16. For bytes the tokenizer cannot carry (binary data, invalid UTF-8). Encoder and
 * decoder update it identically, with integers only.
 */
public final class AdaptiveByteModel {
    private static final int STEP = 32;
    private static final int LIMIT = 1 << 16;

    private final int[] freq = new int[256];
    private int total;

    public AdaptiveByteModel() {
        java.util.Arrays.fill(freq, 1);
        total = 256;
    }

    /** Codes {@code b} and learns from it. */
    public void encode(RangeEncoder enc, int b) {
        int cum = 0;
        for (int i = 0; i < b; i++) {
            cum += freq[i];
        }
        enc.encode(cum, freq[b], total);
        update(b);
    }

    /** Decodes one byte and learns from it. */
    public int decode(RangeDecoder dec) {
        int t = dec.target(total);
        int b = 0;
        int cum = 0;
        while (cum + freq[b] <= t) {
            cum += freq[b];
            b++;
        }
        dec.consume(cum, freq[b], total);
        update(b);
        return b;
    }

    /** Bits the next occurrence of {@code b} would cost. */
    public double bits(int b) {
        return -Math.log((double) freq[b] / total) / Math.log(2);
    }

    private void update(int b) {
        freq[b] += STEP;
        total += STEP;
        if (total > LIMIT) {
            total = 0;
            for (int i = 0; i < 256; i++) {
                freq[i] = (freq[i] + 1) >>> 1;
                total += freq[i];
            }
        }
    }
}
