package jllm.generate.grammar;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Hopcroft's partition refinement for {@link ByteDfa#minimize}: the coarsest partition of the live states
 * in which states of a block accept alike and move alike on every byte, in O(k n log n) for n states and
 * k byte classes (refining signatures round by round would take a round per state on a length counter).
 */
final class Hopcroft {
    private Hopcroft() {
    }

    /**
     * Fills {@code block} with each live state's block (-1 for the others) and returns the number of blocks.
     * Transitions to states that are not live count as no transition.
     */
    static int refine(int[][] next, boolean[] accept, boolean[] live, int[] block) {
        int n = next.length;
        int sink = n; // the dead states and missing moves, completed into one state
        int m = n + 1;
        // byte classes: bytes whose columns are equal move every state alike
        Map<ColumnKey, Integer> classIds = new HashMap<>();
        int[] rep = new int[256];
        int classes = 0;
        for (int x = 0; x < 256; x++) {
            int[] col = new int[n];
            for (int s = 0; s < n; s++) {
                int t = next[s][x];
                col[s] = t < 0 || !live[t] ? sink : t;
            }
            ColumnKey key = new ColumnKey(col);
            if (!classIds.containsKey(key)) {
                classIds.put(key, classes);
                rep[classes++] = x;
            }
        }
        // predecessors per class, in compressed rows: pred[c][predStart[c][t] .. predStart[c][t+1])
        int[][] predStart = new int[classes][];
        int[][] pred = new int[classes][];
        for (int c = 0; c < classes; c++) {
            int x = rep[c];
            int[] count = new int[m + 1];
            for (int s = 0; s < m; s++) {
                count[target(next, live, s, x, sink) + 1]++;
            }
            for (int t = 0; t < m; t++) {
                count[t + 1] += count[t];
            }
            predStart[c] = count.clone();
            int[] fill = count.clone();
            pred[c] = new int[m];
            for (int s = 0; s < m; s++) {
                pred[c][fill[target(next, live, s, x, sink)]++] = s;
            }
        }
        // the partition: elems ordered by block, each block a range [first, end)
        int[] elems = new int[m];
        int[] loc = new int[m];
        int[] blk = new int[m];
        int[] first = new int[m];
        int[] end = new int[m];
        int[] marked = new int[m];
        int nb = 0;
        int pos = 0;
        for (int kind = 0; kind < 2; kind++) {
            int start = pos;
            for (int s = 0; s < m; s++) {
                boolean acc = s < n && live[s] && accept[s];
                if (acc == (kind == 0)) {
                    elems[pos] = s;
                    loc[s] = pos++;
                    blk[s] = nb;
                }
            }
            if (pos > start) {
                first[nb] = start;
                end[nb] = pos;
                nb++;
            }
        }
        ArrayDeque<Integer> work = new ArrayDeque<>();
        boolean[] inWork = new boolean[m];
        for (int b = 0; b < nb; b++) {
            work.add(b);
            inWork[b] = true;
        }
        int[] touched = new int[m];
        while (!work.isEmpty()) {
            int a = work.poll();
            inWork[a] = false;
            int[] splitter = Arrays.copyOfRange(elems, first[a], end[a]);
            for (int c = 0; c < classes; c++) {
                int nt = 0;
                for (int t : splitter) {
                    for (int i = predStart[c][t]; i < predStart[c][t + 1]; i++) {
                        int s = pred[c][i];
                        int b = blk[s];
                        int boundary = first[b] + marked[b];
                        if (loc[s] < boundary) {
                            continue; // marked already
                        }
                        // swap s to the marked front of its block
                        int other = elems[boundary];
                        elems[boundary] = s;
                        elems[loc[s]] = other;
                        loc[other] = loc[s];
                        loc[s] = boundary;
                        if (marked[b]++ == 0) {
                            touched[nt++] = b;
                        }
                    }
                }
                for (int i = 0; i < nt; i++) {
                    int b = touched[i];
                    int k = marked[b];
                    marked[b] = 0;
                    if (k == end[b] - first[b]) {
                        continue;
                    }
                    // the marked front becomes a new block
                    int nw = nb++;
                    first[nw] = first[b];
                    end[nw] = first[b] + k;
                    first[b] = end[nw];
                    for (int p = first[nw]; p < end[nw]; p++) {
                        blk[elems[p]] = nw;
                    }
                    if (inWork[b] || end[nw] - first[nw] <= end[b] - first[b]) {
                        work.add(nw);
                        inWork[nw] = true;
                    } else {
                        work.add(b);
                        inWork[b] = true;
                    }
                }
            }
        }
        // number the blocks of live states densely; the sink's block is dead
        int dead = blk[sink];
        int[] id = new int[nb];
        Arrays.fill(id, -1);
        int count = 0;
        for (int s = 0; s < n; s++) {
            if (!live[s] || blk[s] == dead) {
                block[s] = -1;
                continue;
            }
            if (id[blk[s]] < 0) {
                id[blk[s]] = count++;
            }
            block[s] = id[blk[s]];
        }
        return count;
    }

    private static int target(int[][] next, boolean[] live, int s, int x, int sink) {
        if (s == sink) {
            return sink;
        }
        int t = next[s][x];
        return t < 0 || !live[t] ? sink : t;
    }

    private record ColumnKey(int[] col) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ColumnKey k && Arrays.equals(col, k.col);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(col);
        }
    }
}
