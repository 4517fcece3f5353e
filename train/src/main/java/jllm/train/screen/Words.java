package jllm.train.screen;

import java.util.Arrays;

/**
 * A document as the screen reads it: lower-cased words (runs of letters, digits and apostrophes) and
 * single punctuation marks, each as a 64-bit hash, with where it starts in the text. Whitespace only
 * separates; so "The  cat." and "the cat ." read the same.
 */
final class Words {
    final long[] hashes;
    final int[] starts;
    final int[] ends;
    final int size;

    private Words(long[] hashes, int[] starts, int[] ends, int size) {
        this.hashes = hashes;
        this.starts = starts;
        this.ends = ends;
        this.size = size;
    }

    static Words of(String text) {
        long[] h = new long[16];
        int[] s = new int[16];
        int[] e = new int[16];
        int n = 0;
        int i = 0;
        int len = text.length();
        while (i < len) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                i = next;
                continue;
            }
            int start = i;
            long hash = 0xcbf29ce484222325L;
            if (wordChar(cp)) {
                while (i < len) {
                    cp = text.codePointAt(i);
                    if (!wordChar(cp)) {
                        break;
                    }
                    hash = (hash ^ Character.toLowerCase(cp)) * 0x100000001b3L;
                    i += Character.charCount(cp);
                }
            } else {
                hash = (hash ^ cp) * 0x100000001b3L;
                i = next;
            }
            if (n == h.length) {
                h = Arrays.copyOf(h, n * 2);
                s = Arrays.copyOf(s, n * 2);
                e = Arrays.copyOf(e, n * 2);
            }
            h[n] = mix(hash);
            s[n] = start;
            e[n] = i;
            n++;
        }
        return new Words(h, s, e, n);
    }

    private static boolean wordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '\'' || cp == '\u2019';
    }

    /** The hash of words [from, from + n): order matters. */
    long gram(int from, int n) {
        long h = 0x9e3779b97f4a7c15L * n;
        for (int k = from; k < from + n; k++) {
            h = mix(h ^ hashes[k]) + k - from;
        }
        return h;
    }

    /** The text of words [from, to) as written. */
    String text(String document, int from, int to) {
        return document.substring(starts[from], ends[to - 1]).replaceAll("\\s+", " ");
    }

    /** A strong 64-bit finalizer (SplitMix64's). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
