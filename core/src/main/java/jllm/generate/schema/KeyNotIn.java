package jllm.generate.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import jllm.generate.grammar.Expr;
import jllm.generate.grammar.JsonGrammar;
import jllm.generate.grammar.Regex;

/**
 * A JSON string (quotes included) whose text is none of the given names: the names' trie, where any
 * character off the trie (or any escape) leads to a free tail, and the closing quote is allowed
 * everywhere but at the end of a name. Additional properties use it, so that a declared property cannot
 * slip in again under additionalProperties with a value its own schema refuses.
 */
final class KeyNotIn {
    private KeyNotIn() {
    }

    static Expr of(List<String> names) {
        if (names.isEmpty()) {
            return Expr.ref("json-string");
        }
        Node root = new Node();
        for (String n : names) {
            Node at = root;
            for (int i = 0; i < n.length(); ) {
                int cp = n.codePointAt(i);
                i += Character.charCount(cp);
                at = at.children.computeIfAbsent(cp, k -> new Node());
            }
            at.terminal = true;
        }
        Expr free = Expr.seq(Expr.star(JsonGrammar.stringChar()), Expr.literal("\""));
        return Expr.seq(Expr.literal("\""), root.expr(free));
    }

    private static final class Node {
        final TreeMap<Integer, Node> children = new TreeMap<>();
        boolean terminal;

        Expr expr(Expr free) {
            List<Expr> opts = new ArrayList<>();
            if (!terminal) {
                opts.add(Expr.literal("\""));
            }
            List<int[]> taken = new ArrayList<>();
            for (var e : children.entrySet()) {
                int cp = e.getKey();
                taken.add(new int[] {cp, cp});
                opts.add(Expr.seq(Regex.jsonString(new int[] {cp, cp}), e.getValue().expr(free)));
            }
            // any other character: plain ones off the trie, or any escape
            int[] other = complement(taken);
            opts.add(Expr.seq(Expr.alt(Regex.jsonString(minusSpecial(other)), escape()), free));
            return Expr.alt(opts);
        }
    }

    private static Expr escape() {
        Expr hex = Expr.anyOf("0123456789abcdefABCDEF");
        return Expr.seq(Expr.literal("\\"), Expr.alt(Expr.anyOf("\"\\/bfnrt"), Expr.seq(Expr.literal("u"), hex, hex, hex, hex)));
    }

    private static int[] complement(List<int[]> taken) {
        taken.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<Integer> out = new ArrayList<>();
        int next = 0;
        for (int[] t : taken) {
            if (t[0] > next) {
                out.add(next);
                out.add(t[0] - 1);
            }
            next = t[1] + 1;
        }
        if (next <= 0x10FFFF) {
            out.add(next);
            out.add(0x10FFFF);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Without the characters that are written escaped (the escape branch covers them). */
    private static int[] minusSpecial(int[] set) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < set.length; i += 2) {
            int lo = Math.max(set[i], 0x20);
            int hi = set[i + 1];
            // split around '"' (0x22) and '\' (0x5C)
            int[][] cuts = {{lo, Math.min(hi, 0x21)}, {Math.max(lo, 0x23), Math.min(hi, 0x5B)}, {Math.max(lo, 0x5D), hi}};
            for (int[] c : cuts) {
                if (c[0] <= c[1]) {
                    out.add(c[0]);
                    out.add(c[1]);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
