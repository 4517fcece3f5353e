package jllm.generate.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Refuses left recursion (a rule that can call itself before reading a byte), which a top-down
 * recognizer cannot run, as llama.cpp's grammar parser does.
 */
final class LeftRecursion {
    private LeftRecursion() {
    }

    static void check(Grammar g) {
        int n = g.ruleCount();
        boolean[] nullable = new boolean[n];
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int r = 0; r < n; r++) {
                if (!nullable[r] && anyNullable(g, r, nullable)) {
                    nullable[r] = true;
                    changed = true;
                }
            }
        }
        // left-call graph: r -> rules called before any byte is read
        List<List<Integer>> left = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            List<Integer> out = new ArrayList<>();
            for (int p : g.alts[r]) {
                for (; g.kind[p] == Grammar.CALL; p++) {
                    out.add(g.arg[p]);
                    if (!nullable[g.arg[p]]) {
                        break;
                    }
                }
            }
            left.add(out);
        }
        // iterative depth-first search for a cycle
        byte[] color = new byte[n];
        for (int root = 0; root < n; root++) {
            if (color[root] != 0) {
                continue;
            }
            int[] stack = new int[n + 1];
            int[] next = new int[n + 1];
            int sp = 0;
            stack[0] = root;
            color[root] = 1;
            while (sp >= 0) {
                int r = stack[sp];
                if (next[sp] < left.get(r).size()) {
                    int c = left.get(r).get(next[sp]++);
                    if (color[c] == 1 && c == r && g.ruleNames[c].startsWith("_star")) {
                        continue; // x* with a nullable x: the engine's cycle guard runs it as (x without "")*
                    }
                    if (color[c] == 1) {
                        throw new GrammarException("rule " + g.ruleNames[c] + " is left-recursive (it can call itself before reading anything)");
                    }
                    if (color[c] == 0) {
                        color[c] = 1;
                        stack[++sp] = c;
                        next[sp] = 0;
                    }
                } else {
                    color[r] = 2;
                    sp--;
                }
            }
        }
    }

    private static boolean anyNullable(Grammar g, int r, boolean[] nullable) {
        for (int p : g.alts[r]) {
            boolean all = true;
            for (; g.kind[p] != Grammar.END; p++) {
                if (g.kind[p] == Grammar.BYTES || !nullable[g.arg[p]]) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }
}
