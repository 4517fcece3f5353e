package jllm.generate;

import java.util.Arrays;

/** The tokens of a sequence so far (prompt and generated), for penalties. */
public final class TokenHistory {
    private int[] tokens = new int[64];
    private int size;

    /** Appends one token. */
    public void add(int token) {
        if (size == tokens.length) {
            tokens = Arrays.copyOf(tokens, size * 2);
        }
        tokens[size++] = token;
    }

    /** Appends tokens. */
    public void addAll(int[] ts) {
        for (int t : ts) {
            add(t);
        }
    }

    /** Number of tokens. */
    public int size() {
        return size;
    }

    /** Token i. */
    public int get(int i) {
        return tokens[i];
    }

    /** The last {@code n} tokens (fewer if there are fewer). */
    public int[] last(int n) {
        int k = Math.min(n, size);
        return Arrays.copyOfRange(tokens, size - k, size);
    }
}
