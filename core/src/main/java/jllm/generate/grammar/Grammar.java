package jllm.generate.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A context-free grammar over bytes in its compiled, flat form: every rule is a list of alternatives,
 * every alternative a run of positions in one program array, each position a byte set, a call of a rule,
 * or the end of the alternative. {@link GrammarEngine} runs it.
 *
 * <pre>{@code
 * Grammar g = Grammar.compile(Map.of("root", Expr.seq(Expr.literal("a"), Expr.star(Expr.literal("b")))), "root");
 * }</pre>
 */
public final class Grammar {
    static final int BYTES = 0;
    static final int CALL = 1;
    static final int END = 2;

    /** Most program positions a grammar may compile to (bounds memory for huge enums and repetitions). */
    public static final int MAX_POSITIONS = 4_000_000;

    final int[] kind;       // (positions) BYTES, CALL or END
    final int[] arg;        // (positions) byte-set index for BYTES, rule index for CALL
    final long[] sets;      // (numSets * 4) 256-bit byte sets
    final int[][] alts;     // (rules) start position of each alternative
    final String[] ruleNames;
    final int start;        // the start rule
    final byte[] classOf;   // (256) byte -> equivalence class: bytes no byte set tells apart share one
    final int[] classRep;   // (numClasses) one byte of each class
    final int numClasses;
    final int[] ruleOfPos;  // (positions) the rule each position belongs to

    private Grammar(int[] kind, int[] arg, long[] sets, int[][] alts, String[] ruleNames, int start) {
        this.kind = kind;
        this.arg = arg;
        this.sets = sets;
        this.alts = alts;
        this.ruleNames = ruleNames;
        this.start = start;
        // byte classes: bytes with the same membership in every set behave the same everywhere
        int nSets = sets.length / 4;
        Map<String, Integer> sig = new HashMap<>();
        classOf = new byte[256];
        int[] rep = new int[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            long[] m = new long[(nSets + 63) / 64];
            for (int s = 0; s < nSets; s++) {
                if ((sets[s * 4 + (b >> 6)] >>> (b & 63) & 1) != 0) {
                    m[s >> 6] |= 1L << (s & 63);
                }
            }
            String key = Arrays.toString(m);
            Integer c = sig.get(key);
            if (c == null) {
                c = n;
                rep[n++] = b;
                sig.put(key, c);
            }
            classOf[b] = (byte) (int) c;
        }
        numClasses = n;
        classRep = Arrays.copyOf(rep, n);
        ruleOfPos = new int[kind.length];
        for (int r = 0; r < alts.length; r++) {
            for (int a : alts[r]) {
                for (int p = a; ; p++) {
                    ruleOfPos[p] = r;
                    if (kind[p] == END) {
                        break;
                    }
                }
            }
        }
    }

    /** The rule position {@code pos} belongs to. */
    int ruleAt(int pos) {
        return ruleOfPos[pos];
    }

    /** Number of rules (named and the anonymous ones that alternatives and repetitions need). */
    public int ruleCount() {
        return alts.length;
    }

    /** Number of program positions. */
    public int size() {
        return kind.length;
    }

    boolean has(int pos, int b) {
        int s = arg[pos];
        return (sets[s * 4 + (b >> 6)] >>> (b & 63) & 1) != 0;
    }

    /**
     * Compiles named rules; {@code start} names the start rule. A reference to an undefined rule, a
     * grammar beyond {@link #MAX_POSITIONS} or a left-recursive rule is a {@link GrammarException}.
     */
    public static Grammar compile(Map<String, Expr> rules, String start) {
        return new Compiler(rules).run(start);
    }

    private static final class Compiler {
        final Map<String, Expr> named;
        final Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        final List<List<List<int[]>>> ruleAlts = new ArrayList<>(); // rule -> alternatives -> elements {kind, arg}
        final List<String> names = new ArrayList<>();
        // equal expressions (records compare by value) share one rule, and so do equal repetitions: a
        // schema's many string or key rules become one, and their masks are computed once
        final Map<Expr, Integer> anon = new HashMap<>();
        final Map<List<Integer>, Integer> repeats = new HashMap<>();
        final Map<Expr.Bytes, Integer> setIndex = new HashMap<>();
        final List<long[]> setList = new ArrayList<>();
        final ArrayList<Runnable> pending = new ArrayList<>();
        long positions;

        Compiler(Map<String, Expr> named) {
            this.named = named;
        }

        Grammar run(String start) {
            if (!named.containsKey(start)) {
                throw new GrammarException("the grammar has no rule named " + start);
            }
            int s = namedRule(start);
            while (!pending.isEmpty()) {
                pending.removeLast().run();
            }
            // lay out the program
            int total = 0;
            for (List<List<int[]>> r : ruleAlts) {
                for (List<int[]> a : r) {
                    total += a.size() + 1;
                }
            }
            int[] kind = new int[total];
            int[] arg = new int[total];
            int[][] alts = new int[ruleAlts.size()][];
            int p = 0;
            for (int r = 0; r < ruleAlts.size(); r++) {
                List<List<int[]>> ra = ruleAlts.get(r);
                alts[r] = new int[ra.size()];
                for (int a = 0; a < ra.size(); a++) {
                    alts[r][a] = p;
                    for (int[] el : ra.get(a)) {
                        kind[p] = el[0];
                        arg[p++] = el[1];
                    }
                    kind[p++] = END;
                }
            }
            long[] sets = new long[setList.size() * 4];
            for (int i = 0; i < setList.size(); i++) {
                System.arraycopy(setList.get(i), 0, sets, i * 4, 4);
            }
            Grammar g = new Grammar(kind, arg, sets, alts, names.toArray(String[]::new), s);
            LeftRecursion.check(g);
            BaseCase.check(g);
            return g;
        }

        int namedRule(String name) {
            Integer r = ruleIndex.get(name);
            if (r != null) {
                return r;
            }
            Expr body = named.get(name);
            if (body == null) {
                throw new GrammarException("undefined rule: " + name);
            }
            int idx = newRule(name);
            ruleIndex.put(name, idx);
            pending.add(() -> ruleAlts.set(idx, alternatives(body)));
            return idx;
        }

        int newRule(String name) {
            ruleAlts.add(null);
            names.add(name);
            return ruleAlts.size() - 1;
        }

        int anonRule(Expr e) {
            Integer r = anon.get(e);
            if (r != null) {
                return r;
            }
            int idx = newRule("_" + ruleAlts.size());
            anon.put(e, idx);
            ruleAlts.set(idx, alternatives(e));
            return idx;
        }

        List<List<int[]>> alternatives(Expr e) {
            List<List<int[]>> out = new ArrayList<>();
            if (e instanceof Expr.Alt a) {
                for (Expr o : a.options()) {
                    List<int[]> s = new ArrayList<>();
                    seq(o, s);
                    out.add(s);
                }
            } else {
                List<int[]> s = new ArrayList<>();
                seq(e, s);
                out.add(s);
            }
            return out;
        }

        void seq(Expr e, List<int[]> out) {
            switch (e) {
                case Expr.Bytes b -> {
                    Integer si = setIndex.get(b);
                    if (si == null) {
                        si = setList.size();
                        setList.add(b.bits().clone());
                        setIndex.put(b, si);
                    }
                    add(out, BYTES, si);
                }
                case Expr.Seq s -> {
                    for (Expr p : s.parts()) {
                        seq(p, out);
                    }
                }
                case Expr.Alt a -> {
                    if (a.options().size() == 1) {
                        seq(a.options().getFirst(), out);
                    } else {
                        add(out, CALL, anonRule(a));
                    }
                }
                case Expr.Ref r -> add(out, CALL, namedRule(r.name()));
                case Expr.Repeat r -> repeat(r, out);
            }
        }

        void repeat(Expr.Repeat r, List<int[]> out) {
            if (r.max() >= 0 && r.max() < r.min()) {
                throw new GrammarException("a repetition's maximum " + r.max() + " is below its minimum " + r.min());
            }
            // a body of several elements is called as one rule, so that copies cost one position each
            Expr body = r.body();
            List<int[]> one = new ArrayList<>();
            seq(body, one);
            boolean small = one.size() <= 1;
            int[] unit = small ? null : new int[] {CALL, anonRule(new Expr.Seq(List.of(body)))};
            for (int i = 0; i < r.min(); i++) {
                if (small) {
                    out.addAll(one);
                    positions += one.size();
                } else {
                    add(out, unit[0], unit[1]);
                }
                guard();
            }
            if (r.max() == r.min()) {
                return;
            }
            int[] elem = small ? (one.isEmpty() ? null : one.getFirst()) : unit;
            if (elem == null) {
                return;
            }
            if (r.max() < 0) {
                // star ::= elem star | ""  (a tail call: the parse stack does not grow)
                Integer star = repeats.get(List.of(elem[0], elem[1], -1));
                if (star == null) {
                    star = newRule("_star" + ruleAlts.size());
                    ruleAlts.set(star, List.of(List.of(elem, new int[] {CALL, star}), List.of()));
                    repeats.put(List.of(elem[0], elem[1], -1), star);
                }
                add(out, CALL, star);
                return;
            }
            // opt_k ::= elem opt_{k-1} | ""  for k = 1 .. max - min
            int prev = -1;
            for (int k = 1; k <= r.max() - r.min(); k++) {
                List<Integer> key = List.of(elem[0], elem[1], k);
                Integer rule = repeats.get(key);
                if (rule == null) {
                    rule = newRule("_opt" + ruleAlts.size());
                    List<int[]> first = prev < 0 ? List.of(elem) : List.of(elem, new int[] {CALL, prev});
                    ruleAlts.set(rule, List.of(first, List.of()));
                    repeats.put(key, rule);
                    positions += 3;
                    guard();
                }
                prev = rule;
            }
            add(out, CALL, prev);
        }

        void add(List<int[]> out, int kind, int arg) {
            out.add(new int[] {kind, arg});
            positions++;
            guard();
        }

        void guard() {
            if (positions > MAX_POSITIONS) {
                throw new GrammarException("the grammar is too large (over " + MAX_POSITIONS + " positions): a huge enum or repetition count?");
            }
        }
    }
}
