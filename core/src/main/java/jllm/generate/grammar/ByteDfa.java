package jllm.generate.grammar;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic automaton over bytes, for the regular parts of a schema that a grammar cannot combine
 * by itself: a string that matches one pattern and not another, a pattern within length bounds, an object
 * key that matches none of the declared names and patterns. Built from a rule-free {@link Expr} (a
 * {@link Regex} encoded {@link Regex#raw raw}, so it reads a string's UTF-8 text), closed under
 * {@link #intersect}, {@link #complement} and {@link #union}, and written back as grammar rules with
 * {@link #rules}, one rule per live state, spelling each byte as a JSON string writes it.
 *
 * <pre>{@code
 * ByteDfa key = ByteDfa.of(Regex.parse("^x-", Regex::raw)).complement().intersect(ByteDfa.utf8(0, -1));
 * Expr keyText = key.rules("k1", rules, true); // the text between the quotes
 * }</pre>
 */
public final class ByteDfa {

    /** Most states an automaton may have (a larger one is refused, naming this bound). */
    public static final int MAX_STATES = 20_000;

    /** Most positions of the nondeterministic automaton built from an expression. */
    private static final int MAX_NFA = 400_000;

    private final int[][] next; // (states, 256): the next state, or -1 (no way on)
    private final boolean[] accept; // (states)

    private ByteDfa(int[][] next, boolean[] accept) {
        this.next = next;
        this.accept = accept;
    }

    /** The number of states (state 0 starts). */
    public int states() {
        return next.length;
    }

    /** True when the automaton accepts these bytes. */
    public boolean matches(byte[] text) {
        int s = 0;
        for (byte b : text) {
            s = next[s][b & 0xFF];
            if (s < 0) {
                return false;
            }
        }
        return accept[s];
    }

    /** True when no text is accepted. */
    public boolean isEmpty() {
        boolean[] seen = new boolean[states()];
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(0));
        seen[0] = true;
        while (!todo.isEmpty()) {
            int s = todo.pop();
            if (accept[s]) {
                return false;
            }
            for (int t : next[s]) {
                if (t >= 0 && !seen[t]) {
                    seen[t] = true;
                    todo.push(t);
                }
            }
        }
        return true;
    }

    /** True when every byte string is accepted. */
    public boolean isUniversal() {
        return complement().isEmpty();
    }

    // ---- construction ----

    /** The automaton of a rule-free expression (byte sets, sequences, alternatives, repetitions). */
    public static ByteDfa of(Expr e) {
        Nfa n = new Nfa();
        int start = n.state();
        int end = n.build(e, start);
        return n.determinize(start, end);
    }

    /** Exactly these byte strings. */
    public static ByteDfa ofWords(List<byte[]> words) {
        List<byte[]> w = new ArrayList<>(words);
        return w.isEmpty() ? of(Expr.NOTHING) : of(Expr.oneOfLiterals(w));
    }

    /**
     * Well-formed UTF-8 text of between {@code min} and {@code max} code points ({@code max} -1: no upper
     * bound), surrogates excluded.
     */
    public static ByteDfa utf8(int min, int max) {
        if (max >= 0 && min > max) {
            return ofWords(List.of());
        }
        return of(new Expr.Repeat(Utf8.ranges(new int[] {0, CodePoints.MAX}), min, max));
    }

    /**
     * An automaton from its table: {@code next[s][b]} is state s's move on byte b (-1: none), state 0
     * starts; returned minimal.
     */
    public static ByteDfa of(int[][] next, boolean[] accept) {
        if (next.length > MAX_STATES) {
            throw new GrammarException("an automaton of over " + MAX_STATES + " states");
        }
        int[][] rows = new int[next.length][];
        for (int s = 0; s < next.length; s++) {
            if (next[s].length != 256) {
                throw new IllegalArgumentException("a row of " + next[s].length + " moves, not 256");
            }
            rows[s] = next[s].clone();
        }
        return new ByteDfa(rows, accept.clone()).minimize();
    }

    /** Thompson's construction: states joined by byte sets or by empty moves. */
    private static final class Nfa {
        final List<long[]> sets = new ArrayList<>(); // per state: the bytes of its one byte move, or null
        final List<Integer> to = new ArrayList<>(); // per state: where the byte move goes
        final List<int[]> eps = new ArrayList<>(); // per state: its empty moves

        int state() {
            if (sets.size() >= MAX_NFA) {
                throw new GrammarException("a regular expression over " + MAX_NFA + " automaton positions");
            }
            sets.add(null);
            to.add(-1);
            eps.add(new int[0]);
            return sets.size() - 1;
        }

        void epsilon(int from, int target) {
            int[] e = eps.get(from);
            int[] f = Arrays.copyOf(e, e.length + 1);
            f[e.length] = target;
            eps.set(from, f);
        }

        /** Adds e's moves from {@code from}; returns the state where it ends. */
        int build(Expr e, int from) {
            return switch (e) {
                case Expr.Bytes b -> {
                    int t = state();
                    sets.set(from, b.bits());
                    to.set(from, t);
                    // a state has one byte move: a second one goes through a fresh state
                    yield t;
                }
                case Expr.Seq s -> {
                    int at = from;
                    for (Expr p : s.parts()) {
                        at = build(p, at);
                    }
                    yield at;
                }
                case Expr.Alt a -> {
                    int end = state();
                    for (Expr o : a.options()) {
                        int begin = state();
                        epsilon(from, begin);
                        epsilon(build(o, begin), end);
                    }
                    yield end;
                }
                case Expr.Repeat r -> {
                    int at = from;
                    for (int i = 0; i < r.min(); i++) {
                        int begin = state();
                        epsilon(at, begin);
                        at = build(r.body(), begin);
                    }
                    if (r.max() < 0) {
                        int loop = state();
                        epsilon(at, loop);
                        int end = state();
                        epsilon(loop, end);
                        int begin = state();
                        epsilon(loop, begin);
                        epsilon(build(r.body(), begin), loop);
                        yield end;
                    }
                    int end = state();
                    epsilon(at, end);
                    for (int i = r.min(); i < r.max(); i++) {
                        int begin = state();
                        epsilon(at, begin);
                        at = build(r.body(), begin);
                        epsilon(at, end);
                    }
                    yield end;
                }
                case Expr.Ref ref -> throw new GrammarException("a rule reference (" + ref.name() + ") in a regular expression");
            };
        }

        /** The subset construction, over the byte classes the sets make. */
        ByteDfa determinize(int start, int end) {
            int[] classOf = new int[256];
            int classes = byteClasses(classOf);
            int[] rep = new int[classes];
            for (int b = 255; b >= 0; b--) {
                rep[classOf[b]] = b;
            }
            Map<IntKey, Integer> ids = new HashMap<>();
            List<int[]> subsets = new ArrayList<>();
            List<int[]> rows = new ArrayList<>();
            int[] first = closure(new int[] {start});
            ids.put(new IntKey(first), 0);
            subsets.add(first);
            for (int i = 0; i < subsets.size(); i++) {
                int[] sub = subsets.get(i);
                int[] row = new int[256];
                Arrays.fill(row, -1);
                for (int c = 0; c < classes; c++) {
                    int b = rep[c];
                    int[] moved = new int[sub.length];
                    int m = 0;
                    for (int q : sub) {
                        long[] set = sets.get(q);
                        if (set != null && (set[b >> 6] >>> (b & 63) & 1) != 0) {
                            moved[m++] = to.get(q);
                        }
                    }
                    if (m == 0) {
                        continue;
                    }
                    int[] target = closure(Arrays.copyOf(moved, m));
                    Integer id = ids.get(new IntKey(target));
                    if (id == null) {
                        if (subsets.size() >= MAX_STATES) {
                            throw new GrammarException("a regular expression whose automaton has over " + MAX_STATES + " states");
                        }
                        id = subsets.size();
                        ids.put(new IntKey(target), id);
                        subsets.add(target);
                    }
                    for (int x = 0; x < 256; x++) {
                        if (classOf[x] == c) {
                            row[x] = id;
                        }
                    }
                }
                rows.add(row);
            }
            boolean[] acc = new boolean[subsets.size()];
            for (int i = 0; i < acc.length; i++) {
                acc[i] = Arrays.binarySearch(subsets.get(i), end) >= 0;
            }
            return new ByteDfa(rows.toArray(int[][]::new), acc).minimize();
        }

        /** Bytes that every set treats alike share a class; returns the number of classes. */
        private int byteClasses(int[] classOf) {
            List<long[]> distinct = new ArrayList<>();
            for (long[] s : sets) {
                if (s != null && distinct.stream().noneMatch(d -> Arrays.equals(d, s))) {
                    distinct.add(s);
                }
            }
            Map<String, Integer> ids = new HashMap<>();
            for (int b = 0; b < 256; b++) {
                StringBuilder sig = new StringBuilder(distinct.size());
                for (long[] s : distinct) {
                    sig.append((s[b >> 6] >>> (b & 63) & 1) != 0 ? '1' : '0');
                }
                classOf[b] = ids.computeIfAbsent(sig.toString(), k -> ids.size());
            }
            return ids.size();
        }

        /** The sorted set of states reachable by empty moves. */
        private int[] closure(int[] seeds) {
            java.util.BitSet seen = new java.util.BitSet();
            ArrayDeque<Integer> todo = new ArrayDeque<>();
            for (int s : seeds) {
                if (!seen.get(s)) {
                    seen.set(s);
                    todo.push(s);
                }
            }
            while (!todo.isEmpty()) {
                for (int t : eps.get(todo.pop())) {
                    if (!seen.get(t)) {
                        seen.set(t);
                        todo.push(t);
                    }
                }
            }
            return seen.stream().toArray();
        }
    }

    private record IntKey(int[] a) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IntKey k && Arrays.equals(a, k.a);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(a);
        }
    }

    // ---- operations ----

    /** The texts both accept (the product automaton, its reachable part). */
    public ByteDfa intersect(ByteDfa o) {
        return product(o, true);
    }

    /** The texts either accepts. */
    public ByteDfa union(ByteDfa o) {
        return product(o, false);
    }

    private ByteDfa product(ByteDfa o, boolean both) {
        // -1 stands for "no way on" on either side: a union goes on while one side lives
        Map<Long, Integer> ids = new HashMap<>();
        List<long[]> pairs = new ArrayList<>();
        List<int[]> rows = new ArrayList<>();
        ids.put(0L, 0);
        pairs.add(new long[] {0, 0});
        for (int i = 0; i < pairs.size(); i++) {
            int a = (int) pairs.get(i)[0];
            int b = (int) pairs.get(i)[1];
            int[] row = new int[256];
            for (int x = 0; x < 256; x++) {
                int na = a < 0 ? -1 : next[a][x];
                int nb = b < 0 ? -1 : o.next[b][x];
                if (both ? na < 0 || nb < 0 : na < 0 && nb < 0) {
                    row[x] = -1;
                    continue;
                }
                long key = ((long) na << 32) ^ (nb & 0xFFFFFFFFL);
                Integer id = ids.get(key);
                if (id == null) {
                    if (pairs.size() >= MAX_STATES) {
                        throw new GrammarException("a combination of regular expressions whose automaton has over " + MAX_STATES + " states");
                    }
                    id = pairs.size();
                    ids.put(key, id);
                    pairs.add(new long[] {na, nb});
                }
                row[x] = id;
            }
            rows.add(row);
        }
        boolean[] acc = new boolean[pairs.size()];
        for (int i = 0; i < acc.length; i++) {
            int a = (int) pairs.get(i)[0];
            int b = (int) pairs.get(i)[1];
            boolean ia = a >= 0 && accept[a];
            boolean ib = b >= 0 && o.accept[b];
            acc[i] = both ? ia && ib : ia || ib;
        }
        return new ByteDfa(rows.toArray(int[][]::new), acc).minimize();
    }

    /** Every byte string this one refuses (intersect with {@link #utf8} to keep to well-formed text). */
    public ByteDfa complement() {
        int n = states();
        int[][] rows = new int[n + 1][];
        boolean[] acc = new boolean[n + 1];
        for (int s = 0; s < n; s++) {
            rows[s] = next[s].clone();
            for (int x = 0; x < 256; x++) {
                if (rows[s][x] < 0) {
                    rows[s][x] = n; // the sink, which accepts everything from here
                }
            }
            acc[s] = !accept[s];
        }
        rows[n] = new int[256];
        Arrays.fill(rows[n], n);
        acc[n] = true;
        return new ByteDfa(rows, acc).minimize();
    }

    /**
     * The smallest equivalent automaton (Hopcroft's partition refinement), without the states from which no
     * text is accepted, so that every byte it allows can still lead to an accepted text.
     */
    private ByteDfa minimize() {
        int n = states();
        // live: states that reach an accepting state (over the reversed moves, each edge once, in flat arrays)
        int[] stamp = new int[n];
        Arrays.fill(stamp, -1);
        int[] count = new int[n + 1];
        for (int s = 0; s < n; s++) {
            for (int t : next[s]) {
                if (t >= 0 && stamp[t] != s) {
                    stamp[t] = s;
                    count[t + 1]++;
                }
            }
        }
        for (int t = 0; t < n; t++) {
            count[t + 1] += count[t];
        }
        int[] fill = Arrays.copyOf(count, n);
        int[] back = new int[count[n]];
        Arrays.fill(stamp, -1);
        for (int s = 0; s < n; s++) {
            for (int t : next[s]) {
                if (t >= 0 && stamp[t] != s) {
                    stamp[t] = s;
                    back[fill[t]++] = s;
                }
            }
        }
        boolean[] live = new boolean[n];
        int[] todo = new int[n];
        int top = 0;
        for (int s = 0; s < n; s++) {
            if (accept[s]) {
                live[s] = true;
                todo[top++] = s;
            }
        }
        while (top > 0) {
            int t = todo[--top];
            for (int i = count[t]; i < count[t + 1]; i++) {
                int p = back[i];
                if (!live[p]) {
                    live[p] = true;
                    todo[top++] = p;
                }
            }
        }
        if (!live[0]) {
            int[] none = new int[256];
            Arrays.fill(none, -1);
            return new ByteDfa(new int[][] {none}, new boolean[] {false});
        }
        int[] block = new int[n];
        int blocks = Hopcroft.refine(next, accept, live, block);
        // renumber so the start is 0, in the order states are met
        int[] id = new int[blocks];
        Arrays.fill(id, -1);
        int[] repOf = new int[blocks];
        List<Integer> order = new ArrayList<>();
        ArrayDeque<Integer> q = new ArrayDeque<>(List.of(0));
        id[block[0]] = 0;
        repOf[0] = 0;
        order.add(block[0]);
        while (!q.isEmpty()) {
            int s = q.poll();
            for (int t : next[s]) {
                if (t >= 0 && live[t] && id[block[t]] < 0) {
                    id[block[t]] = order.size();
                    repOf[order.size()] = t;
                    order.add(block[t]);
                    q.add(t);
                }
            }
        }
        int m = order.size();
        int[][] rows = new int[m][256];
        boolean[] acc = new boolean[m];
        for (int i = 0; i < m; i++) {
            int s = repOf[i];
            acc[i] = accept[s];
            for (int x = 0; x < 256; x++) {
                int t = next[s][x];
                rows[i][x] = t < 0 || !live[t] ? -1 : id[block[t]];
            }
        }
        return new ByteDfa(rows, acc);
    }

    // ---- back to a grammar ----

    /**
     * Adds one rule per state to {@code rules} (named {@code prefix} and the state's number) and returns
     * the start: a right-linear grammar of the accepted texts. With {@code jsonEscaped}, the bytes a JSON
     * string escapes ({@code "}, {@code \} and controls) are spelled as {@code json.dumps} writes them,
     * so the rules read a JSON string's text whose decoded UTF-8 is accepted here.
     */
    public Expr rules(String prefix, Map<String, Expr> rules, boolean jsonEscaped) {
        for (int s = 0; s < states(); s++) {
            List<Expr> opts = new ArrayList<>();
            if (accept[s]) {
                opts.add(Expr.EMPTY);
            }
            // group bytes by target state
            Map<Integer, long[]> byTarget = new java.util.TreeMap<>();
            for (int x = 0; x < 256; x++) {
                int t = next[s][x];
                if (t < 0) {
                    continue;
                }
                if (jsonEscaped && (x < 0x20 || x == '"' || x == '\\')) {
                    opts.add(Expr.seq(Expr.literal(escape(x)), Expr.ref(prefix + t)));
                    continue;
                }
                byTarget.computeIfAbsent(t, k -> new long[4])[x >> 6] |= 1L << (x & 63);
            }
            byTarget.forEach((t, bits) -> opts.add(Expr.seq(new Expr.Bytes(bits), Expr.ref(prefix + t))));
            rules.put(prefix + s, opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts));
        }
        return Expr.ref(prefix + 0);
    }

    /** The escape json.dumps writes for a byte below 0x20, {@code "} or {@code \}. */
    static String escape(int b) {
        return switch (b) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            default -> String.format("\\u%04x", b);
        };
    }
}
