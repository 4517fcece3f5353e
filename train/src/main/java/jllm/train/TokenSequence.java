package jllm.train;

/**
 * A read-only run of token ids, in memory or memory-mapped from a token file (so corpora larger than
 * the heap train too).
 */
public interface TokenSequence {

    /** Number of tokens. */
    long length();

    /** Token {@code i}. */
    int get(long i);

    /** Copies {@code len} tokens from {@code from} into {@code dst[off ..]}. */
    default void copy(long from, int[] dst, int off, int len) {
        for (int i = 0; i < len; i++) {
            dst[off + i] = get(from + i);
        }
    }

    /** A sequence over an array (not copied). */
    static TokenSequence of(int[] tokens) {
        return new TokenSequence() {
            @Override
            public long length() {
                return tokens.length;
            }

            @Override
            public int get(long i) {
                return tokens[(int) i];
            }

            @Override
            public void copy(long from, int[] dst, int off, int len) {
                System.arraycopy(tokens, (int) from, dst, off, len);
            }
        };
    }

    /** Tokens {@code [from, to)} of this sequence. */
    default TokenSequence slice(long from, long to) {
        TokenSequence outer = this;
        if (from < 0 || to > length() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of " + length() + " tokens");
        }
        return new TokenSequence() {
            @Override
            public long length() {
                return to - from;
            }

            @Override
            public int get(long i) {
                return outer.get(from + i);
            }

            @Override
            public void copy(long f, int[] dst, int off, int len) {
                outer.copy(from + f, dst, off, len);
            }
        };
    }
}
