package jllm.model.blocks;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import jllm.model.KvCache;

/**
 * Where each token row of a forward call lives: its sequence's cache and its position there. A prompt
 * is one cache at consecutive positions; a batched decode step is one row in each of several caches.
 */
public final class Rows {
    private Rows() {
    }

    /** {@code cache} for each of n rows. */
    public static KvCache[] sameCache(KvCache cache, int n) {
        KvCache[] rows = new KvCache[n];
        Arrays.fill(rows, cache);
        return rows;
    }

    /** Positions length, length + 1, ... of n rows appended to {@code cache}. */
    public static int[] positionsAfter(KvCache cache, int n) {
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) {
            pos[i] = cache.length() + i;
        }
        return pos;
    }

    /**
     * The rows of several sequences in one forward call: sequence i (a distinct cache) contributes
     * {@code tokens.get(i).length} consecutive rows at the positions after what its cache holds.
     */
    public record Batch(KvCache[] caches, int[] positions, int[] tokens, int[] lastRows) {
    }

    /** Lays out the rows of {@code tokens.get(i)} appended to {@code caches.get(i)}, checking the caches are distinct. */
    public static Batch batch(List<KvCache> caches, List<int[]> tokens) {
        if (caches.size() != tokens.size()) {
            throw new IllegalArgumentException(caches.size() + " caches but " + tokens.size() + " token sequences");
        }
        Set<KvCache> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int n = 0;
        for (int i = 0; i < caches.size(); i++) {
            if (!seen.add(caches.get(i))) {
                throw new IllegalArgumentException("a batch takes each sequence once; a cache appears twice");
            }
            if (tokens.get(i).length == 0) {
                throw new IllegalArgumentException("sequence " + i + " of the batch has no tokens");
            }
            n += tokens.get(i).length;
        }
        KvCache[] rows = new KvCache[n];
        int[] pos = new int[n];
        int[] ids = new int[n];
        int[] last = new int[caches.size()];
        int r = 0;
        for (int i = 0; i < caches.size(); i++) {
            KvCache c = caches.get(i);
            int[] t = tokens.get(i);
            for (int j = 0; j < t.length; j++, r++) {
                rows[r] = c;
                pos[r] = c.length() + j;
                ids[r] = t[j];
            }
            last[i] = r - 1;
        }
        return new Batch(rows, pos, ids, last);
    }

    /** Grows each cache to hold its rows' positions (rows of one cache are consecutive). */
    public static void reserve(KvCache[] caches, int[] pos) {
        for (int i = 0; i < caches.length; i++) {
            if (i == caches.length - 1 || caches[i + 1] != caches[i]) {
                caches[i].ensureCapacity(pos[i] + 1);
            }
        }
    }
}
