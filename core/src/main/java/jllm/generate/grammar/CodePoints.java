package jllm.generate.grammar;

import java.util.ArrayList;
import java.util.List;

/** Sets of code points as sorted, disjoint, inclusive ranges {@code (lo, hi)} pairs. */
final class CodePoints {
    private CodePoints() {
    }

    static final int MAX = 0x10FFFF;

    /** Sorts and merges ranges. */
    static int[] normalize(List<int[]> ranges) {
        List<int[]> rs = new ArrayList<>(ranges);
        rs.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> out = new ArrayList<>();
        for (int[] r : rs) {
            if (r[0] > r[1]) {
                continue;
            }
            if (!out.isEmpty() && r[0] <= out.getLast()[1] + 1) {
                out.getLast()[1] = Math.max(out.getLast()[1], r[1]);
            } else {
                out.add(new int[] {r[0], r[1]});
            }
        }
        int[] flat = new int[out.size() * 2];
        for (int i = 0; i < out.size(); i++) {
            flat[2 * i] = out.get(i)[0];
            flat[2 * i + 1] = out.get(i)[1];
        }
        return flat;
    }

    /** The complement within [0, MAX]. */
    static int[] complement(int[] set) {
        List<int[]> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < set.length; i += 2) {
            if (set[i] > next) {
                out.add(new int[] {next, set[i] - 1});
            }
            next = set[i + 1] + 1;
        }
        if (next <= MAX) {
            out.add(new int[] {next, MAX});
        }
        return normalize(out);
    }

    /** The intersection of two sets. */
    static int[] intersect(int[] a, int[] b) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < a.length; i += 2) {
            for (int j = 0; j < b.length; j += 2) {
                int lo = Math.max(a[i], b[j]);
                int hi = Math.min(a[i + 1], b[j + 1]);
                if (lo <= hi) {
                    out.add(new int[] {lo, hi});
                }
            }
        }
        return normalize(out);
    }

    /** The set minus the code points of {@code b}. */
    static int[] minus(int[] a, int[] b) {
        return intersect(a, complement(b));
    }
}
