package jllm.generate.grammar;

/**
 * Refuses a grammar whose start rule matches no finite text because it recurses without a base case
 * (a schema whose required property {@code $ref}s the schema itself): without this check, decoding
 * would run until the length limit, every token allowed and none ever finishing the text. A grammar
 * that is empty for another reason (a {@code false} schema) is left alone: its masks refuse everything.
 */
final class BaseCase {
    private BaseCase() {
    }

    static void check(Grammar g) {
        int n = g.ruleCount();
        // finite[r]: rule r derives some finite text (a fixed point: an alternative of finite parts)
        boolean[] finite = new boolean[n];
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int r = 0; r < n; r++) {
                if (!finite[r] && anyFinite(g, r, finite)) {
                    finite[r] = true;
                    changed = true;
                }
            }
        }
        if (finite[g.start]) {
            return;
        }
        // a cycle among the rules without finite text, reachable from the start, is the missing base case
        byte[] color = new byte[n];
        int[] stack = new int[n + 1];
        int[] next = new int[n + 1];   // the next position of stack[sp]'s program to look at
        int[] altIndex = new int[n + 1];
        int sp = 0;
        stack[0] = g.start;
        color[g.start] = 1;
        next[0] = -1;
        while (sp >= 0) {
            int r = stack[sp];
            int c = nextInfiniteCall(g, r, finite, next, altIndex, sp);
            if (c < 0) {
                color[r] = 2;
                sp--;
            } else if (color[c] == 1) {
                throw new GrammarException("rule " + g.ruleNames[c] + " recurses without a base case: no finite text matches it");
            } else if (color[c] == 0) {
                color[c] = 1;
                stack[++sp] = c;
                next[sp] = -1;
                altIndex[sp] = 0;
            }
        }
    }

    /** The next call to a rule without finite text in rule r's program, or -1 when there is none left. */
    private static int nextInfiniteCall(Grammar g, int r, boolean[] finite, int[] next, int[] altIndex, int sp) {
        int[] alts = g.alts[r];
        while (altIndex[sp] < alts.length) {
            int p = next[sp] < 0 ? alts[altIndex[sp]] : next[sp];
            for (; g.kind[p] != Grammar.END; p++) {
                if (g.kind[p] == Grammar.CALL && !finite[g.arg[p]]) {
                    next[sp] = p + 1;
                    return g.arg[p];
                }
            }
            altIndex[sp]++;
            next[sp] = -1;
        }
        return -1;
    }

    private static boolean anyFinite(Grammar g, int r, boolean[] finite) {
        for (int p : g.alts[r]) {
            boolean all = true;
            for (; g.kind[p] != Grammar.END; p++) {
                boolean ok = g.kind[p] == Grammar.BYTES ? !emptySet(g, p) : finite[g.arg[p]];
                if (!ok) {
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

    private static boolean emptySet(Grammar g, int p) {
        int s = g.arg[p] * 4;
        return (g.sets[s] | g.sets[s + 1] | g.sets[s + 2] | g.sets[s + 3]) == 0;
    }
}
