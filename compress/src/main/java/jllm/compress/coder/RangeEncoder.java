package jllm.compress.coder;

import java.util.Arrays;

/**
 * A range encoder with 56-bit precision and carry propagation (the LZMA scheme widened from 32 to 56
 * bits): the interval is {@code [low, low + range)}, bytes leave from the top of {@code low}, and a
 * carry out of {@code low} is pushed into the byte held back in {@code cache} and the run of 0xFF
 * bytes behind it.
 *
 * <pre>{@code
 * RangeEncoder enc = new RangeEncoder();
 * enc.encode(cumFreq, freq, total);   // once per symbol
 * byte[] bytes = enc.finish();
 * }</pre>
 */
public final class RangeEncoder {
    /** Most a frequency total may be: every coded interval keeps at least 2^24 steps of resolution. */
    public static final int MAX_TOTAL = 1 << 24;
    static final long TOP = 1L << 48;              // renormalize below this range
    static final long LOW_MASK = (1L << 56) - 1;   // low keeps 56 bits plus one carry bit

    private long low;
    private long range = LOW_MASK;
    private int cache;
    private long cacheSize = 1;
    private byte[] out = new byte[256];
    private int size;
    private boolean finished;

    /** Codes the symbol occupying {@code [cum, cum + freq)} of {@code [0, total)}. */
    public void encode(int cum, int freq, int total) {
        if (finished) {
            throw new IllegalStateException("the encoder is finished");
        }
        if (total <= 0 || total > MAX_TOTAL || freq <= 0 || cum < 0 || (long) cum + freq > total) {
            throw new IllegalArgumentException("bad interval [" + cum + ", " + cum + " + " + freq + ") of " + total);
        }
        long r = range / total;
        low += r * cum;
        range = r * freq;
        while (range < TOP) {
            range <<= 8;
            shiftLow();
        }
    }

    /** Flushes the state and returns every byte written. */
    public byte[] finish() {
        if (!finished) {
            for (int i = 0; i < 8; i++) {
                shiftLow();
            }
            finished = true;
        }
        return Arrays.copyOf(out, size);
    }

    /** Bytes written so far (a lower bound on the final size until {@link #finish()}). */
    public long bytesWritten() {
        return size + cacheSize;
    }

    // Emits the top byte of low, unless it may still change by a carry: 0xFF bytes are held back.
    private void shiftLow() {
        if (low < 0xFFL << 48 || low > LOW_MASK) {
            int carry = (int) (low >>> 56);
            int b = cache;
            do {
                put(b + carry);
                b = 0xFF;
            } while (--cacheSize != 0);
            cache = (int) (low >>> 48) & 0xFF;
        }
        cacheSize++;
        low = (low & (TOP - 1)) << 8;
    }

    private void put(int b) {
        if (size == out.length) {
            out = Arrays.copyOf(out, Math.max(256, out.length * 2));
        }
        out[size++] = (byte) b;
    }
}
