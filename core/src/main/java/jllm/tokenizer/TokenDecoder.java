package jllm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of token ids into text without splitting UTF-8 sequences: a character whose bytes
 * are spread over several tokens (byte-fallback tokens, byte-level BPE pieces of an emoji) is
 * returned once its last byte has arrived. Not thread-safe: one decoder per stream.
 *
 * <pre>{@code
 * TokenDecoder d = tokenizer.newDecoder(false);
 * for (int id : generated) System.out.print(d.next(id));
 * System.out.print(d.finish());
 * }</pre>
 */
public final class TokenDecoder {
    private final Tokenizer tokenizer;
    private final boolean special;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    TokenDecoder(Tokenizer tokenizer, boolean special) {
        this.tokenizer = tokenizer;
        this.special = special;
    }

    /** Feeds one id; returns the text that is now complete (possibly empty). */
    public String next(int id) {
        pending.writeBytes(tokenizer.tokenBytes(id, special));
        byte[] b = pending.toByteArray();
        int complete = completePrefix(b);
        pending.reset();
        pending.write(b, complete, b.length - complete);
        return new String(b, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns whatever is still buffered (an incomplete sequence becomes U+FFFD) and resets. */
    public String finish() {
        byte[] b = pending.toByteArray();
        pending.reset();
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Length of the prefix of {@code b} that can be decoded now: everything except a trailing lead
     * byte whose continuation bytes have not all arrived yet. Invalid bytes are not held back (they
     * can never become valid), so they come out as U+FFFD immediately.
     */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // Look back at most 3 bytes for the start of the last sequence.
        for (int back = 1; back <= Math.min(3, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for its lead
            }
            int need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
