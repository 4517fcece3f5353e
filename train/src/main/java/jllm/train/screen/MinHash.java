package jllm.train.screen;

/**
 * MinHash signatures of a document's word shingles, for near-duplicate search: the share of equal
 * entries in two signatures estimates the Jaccard similarity of the two shingle sets (Broder 1997).
 * Banding (locality-sensitive hashing) then finds pairs likely to be similar without comparing all.
 */
final class MinHash {
    /** Words per shingle. */
    static final int SHINGLE = 5;
    /** Hash functions per signature: BANDS bands of ROWS rows. */
    static final int BANDS = 16;
    static final int ROWS = 4;
    static final int SIZE = BANDS * ROWS;

    private MinHash() {
    }

    /** The signature of a document's shingles (a document shorter than a shingle is one shingle). */
    static long[] signature(Words w) {
        long[] sig = new long[SIZE];
        java.util.Arrays.fill(sig, Long.MAX_VALUE);
        int n = Math.min(SHINGLE, w.size);
        if (n == 0) {
            return sig;
        }
        for (int i = 0; i + n <= w.size; i++) {
            long s = w.gram(i, n);
            for (int k = 0; k < SIZE; k++) {
                long v = Words.mix(s + 0x9e3779b97f4a7c15L * (k + 1));
                if (v < sig[k]) {
                    sig[k] = v;
                }
            }
        }
        return sig;
    }

    /** The key of band {@code b}: its rows hashed together with the band number. */
    static long band(long[] sig, int b) {
        long h = b;
        for (int r = 0; r < ROWS; r++) {
            h = Words.mix(h ^ sig[b * ROWS + r]);
        }
        return h;
    }

    /** The estimated Jaccard similarity of two signatures. */
    static double similarity(long[] a, long[] b) {
        int same = 0;
        for (int k = 0; k < SIZE; k++) {
            if (a[k] == b[k]) {
                same++;
            }
        }
        return same / (double) SIZE;
    }
}
