package jllm.compress.coder;

/**
 * Decodes what {@link RangeEncoder} wrote. Each symbol is two calls: {@link #target(int)} gives the
 * point of {@code [0, total)} the stream is at, the caller finds the symbol whose interval holds it,
 * and {@link #consume(int, int, int)} removes that interval.
 *
 * <p>Reading past the end of the bytes yields zeros for the few bytes a finished encoder may leave
 * implicit, then fails: a truncated stream is reported, never decoded into endless garbage.
 */
public final class RangeDecoder {
    private static final int SLACK = 8;

    private final byte[] in;
    private final int end;
    private int pos;
    private long range = RangeEncoder.LOW_MASK;
    private long code;

    /** Decodes {@code in[offset, offset + length)}. */
    public RangeDecoder(byte[] in, int offset, int length) {
        if (offset < 0 || length < 0 || offset > in.length - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside " + in.length + " bytes");
        }
        this.in = in;
        this.pos = offset;
        this.end = offset + length;
        next(); // the encoder's first byte is its initial cache, always 0 (or 1 after a carry: invalid)
        for (int i = 0; i < 7; i++) {
            code = (code << 8) | next();
        }
    }

    /** The position in {@code [0, total)} of the next symbol. */
    public int target(int total) {
        if (total <= 0 || total > RangeEncoder.MAX_TOTAL) {
            throw new IllegalArgumentException("bad total " + total);
        }
        long v = code / (range / total);
        // a corrupt stream can point beyond the table; clamp, and the checksum reports it
        return (int) Math.min(v, total - 1);
    }

    /** Removes the interval {@code [cum, cum + freq)} of the symbol just found. */
    public void consume(int cum, int freq, int total) {
        long r = range / total;
        code -= r * cum;
        range = r * freq;
        if (code < 0 || code >= range) {
            throw new CorruptStreamException("the coded stream is corrupt (decoder state out of range)");
        }
        while (range < RangeEncoder.TOP) {
            range <<= 8;
            code = (code << 8) | next();
        }
    }

    /** Bytes read so far. */
    public long bytesRead() {
        return pos;
    }

    private int next() {
        if (pos < end) {
            return in[pos++] & 0xFF;
        }
        if (pos++ - end >= SLACK) {
            throw new CorruptStreamException("the coded stream ends early (truncated file?)");
        }
        return 0;
    }
}
