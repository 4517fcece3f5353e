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

    /** The caches of a batched decode step, checked to be n distinct ones. */
    public static KvCache[] distinct(List<KvCache> caches, int n) {
        if (caches.size() != n) {
            throw new IllegalArgumentException(caches.size() + " caches but " + n + " tokens");
        }
        Set<KvCache> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (KvCache c : caches) {
            if (!seen.add(c)) {
                throw new IllegalArgumentException("a batched step takes one token per sequence; a cache appears twice");
            }
        }
        return caches.toArray(new KvCache[0]);
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
