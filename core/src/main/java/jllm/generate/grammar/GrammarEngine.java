package jllm.generate.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link Grammar} over bytes and computes token masks over a {@link TokenTrie}.
 *
 * <p>A parse state is the set of parse stacks still alive (as llama.cpp's grammar matcher keeps them),
 * each stack a chain of return positions under a byte-set position; stacks and states are interned, so
 * a state is one object, and its transition on each byte class is computed once and kept: the engine
 * grows a deterministic automaton lazily, as parsing visits it. A token mask is a walk of the trie that
 * follows those transitions and skips a subtree as soon as its state dies; the mask of a state is kept
 * too, so a state met again (inside a string, between array items...) costs a copy. Caches are bounded
 * ({@link #MAX_STATES}, {@link #MAX_MASKS}) and start afresh when full.
 *
 * <p>Parses are bounded: at most {@link #MAX_STACKS} stacks per state and {@link #MAX_STACK_DEPTH}
 * nested calls (deeper text is refused, as JSON parsers refuse deep nesting).
 *
 * <pre>{@code
 * GrammarEngine engine = new GrammarEngine(grammar, TokenTrie.of(tokenizer));
 * GrammarMatcher m = engine.matcher();
 * long[] allowed = m.mask();          // bit id set when token id may come next
 * m.advance(token);
 * }</pre>
 */
public final class GrammarEngine {
    /** Most parse stacks one state may hold (an ambiguous grammar fails here, fast). */
    public static final int MAX_STACKS = 4096;
    /** Most nested rule calls on one stack. */
    public static final int MAX_STACK_DEPTH = 1024;
    /** States kept before the caches start afresh. */
    public static final int MAX_STATES = 200_000;
    /** Masks kept before the mask cache starts afresh. */
    public static final int MAX_MASKS = 2048;

    final Grammar g;
    final TokenTrie trie;
    final int words;               // longs per mask

    /** One parse stack: a byte-set position on top of return positions (interned: equal stacks are one object). */
    static final class Stack {
        final int pos;
        final Stack parent;
        final int id;
        final int depth;

        Stack(int pos, Stack parent, int id) {
            this.pos = pos;
            this.parent = parent;
            this.id = id;
            this.depth = parent == null ? 0 : parent.depth + 1;
        }
    }

    /** A parse state: the live stacks, sorted by id; accepting when one of them is empty. */
    static final class State {
        final Stack[] stacks;
        final boolean accepting;
        final State[] next;        // (numClasses) transitions, filled as needed
        long[] mask;               // the token mask, once computed

        State(Stack[] stacks, boolean accepting, int classes) {
            this.stacks = stacks;
            this.accepting = accepting;
            this.next = new State[classes];
        }
    }

    private final Stack empty = new Stack(-1, null, 0);
    final State dead;
    private Map<Long, Stack> stacks = new HashMap<>();
    private Map<StateKey, State> states = new HashMap<>();
    private int masks;
    final State initial;

    private record StateKey(int[] ids, int hash) {
        static StateKey of(Stack[] s) {
            int[] ids = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                ids[i] = s[i].id;
            }
            return new StateKey(ids, Arrays.hashCode(ids));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StateKey k && k.hash == hash && Arrays.equals(k.ids, ids);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** An engine for this grammar over this vocabulary. */
    public GrammarEngine(Grammar g, TokenTrie trie) {
        this.g = g;
        this.trie = trie;
        this.words = (trie.vocabSize + 63) / 64;
        this.dead = new State(new Stack[0], false, g.numClasses);
        Arrays.fill(dead.next, dead);
        dead.mask = new long[words];
        List<Stack> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (int a : g.alts[g.start]) {
            expand(a, empty, out, seen, 0);
        }
        this.initial = intern(out);
    }

    /** A matcher at the start of the grammar. */
    public GrammarMatcher matcher() {
        return new GrammarMatcher(this);
    }

    /** The grammar. */
    public Grammar grammar() {
        return g;
    }

    /** The vocabulary trie. */
    public TokenTrie trie() {
        return trie;
    }

    // ---- parsing ----

    private Stack stack(int pos, Stack parent) {
        long key = ((long) pos << 32) | parent.id;
        Stack s = stacks.get(key);
        if (s == null) {
            s = new Stack(pos, parent, stacks.size() + 1);
            stacks.put(key, s);
        }
        return s;
    }

    /** Adds the stacks reached from {@code pos} (with {@code parent} below) without reading a byte. */
    private void expand(int pos, Stack parent, List<Stack> out, Set<Long> seen, int calls) {
        if (!seen.add(((long) pos << 32) | parent.id)) {
            return;
        }
        switch (g.kind[pos]) {
            case Grammar.BYTES -> out.add(stack(pos, parent));
            case Grammar.END -> {
                if (parent == empty) {
                    out.add(empty);
                } else {
                    expand(parent.pos, parent.parent, out, seen, calls);
                }
            }
            default -> {
                if (calls > MAX_STACK_DEPTH) {
                    throw new GrammarException("rules call each other more than " + MAX_STACK_DEPTH + " deep without reading a byte");
                }
                int ret = pos + 1;
                Stack below = parent;
                if (g.kind[ret] != Grammar.END) { // a tail call pushes nothing
                    if (parent.depth >= MAX_STACK_DEPTH) {
                        return; // nested too deep: this parse is refused
                    }
                    below = stack(ret, parent);
                }
                for (int a : g.alts[g.arg[pos]]) {
                    expand(a, below, out, seen, calls + 1);
                }
            }
        }
    }

    private State intern(List<Stack> list) {
        if (list.isEmpty()) {
            return dead;
        }
        Stack[] arr = list.toArray(new Stack[0]);
        Arrays.sort(arr, (a, b) -> Integer.compare(a.id, b.id));
        int n = 0;
        for (int i = 0; i < arr.length; i++) {
            if (n == 0 || arr[n - 1] != arr[i]) {
                arr[n++] = arr[i];
            }
        }
        if (n > MAX_STACKS) {
            throw new GrammarException("the grammar is too ambiguous here: over " + MAX_STACKS + " parses at once");
        }
        arr = Arrays.copyOf(arr, n);
        StateKey key = StateKey.of(arr);
        State s = states.get(key);
        if (s == null) {
            if (states.size() >= MAX_STATES) {
                // start afresh; states already handed out stay valid, they are just no longer shared
                states = new HashMap<>();
                stacks = new HashMap<>();
            }
            boolean acc = arr[0] == empty;
            s = new State(arr, acc, g.numClasses);
            states.put(key, s);
        }
        return s;
    }

    /** The state after byte class {@code c} (computed once per state and class). */
    State step(State s, int c) {
        State r = s.next[c];
        if (r == null) {
            r = computeStep(s, c);
            s.next[c] = r;
        }
        return r;
    }

    private State computeStep(State s, int c) {
        int b = g.classRep[c];
        List<Stack> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Stack st : s.stacks) {
            if (st != empty && g.has(st.pos, b)) {
                expand(st.pos + 1, st.parent, out, seen, 0);
            }
        }
        return intern(out);
    }

    /** The state after these bytes (the dead state when they cannot continue). */
    State step(State s, byte[] bytes) {
        for (byte x : bytes) {
            s = step(s, g.classOf[x & 0xFF]);
            if (s == dead) {
                break;
            }
        }
        return s;
    }

    /** True when only the end can follow (every stack is empty). */
    boolean finished(State s) {
        return s.accepting && s.stacks.length == 1;
    }

    // ---- masks ----

    /** The tokens that may follow state s (end-of-generation tokens when it is accepting); cached per state. */
    long[] mask(State s) {
        long[] m = s.mask;
        if (m != null) {
            return m;
        }
        m = walk(s);
        if (masks >= MAX_MASKS) {
            masks = 0; // masks are dropped with the states that hold them; a count bounds those alive
        }
        masks++;
        s.mask = m;
        return m;
    }

    /** The trie walk: one transition per node, a subtree skipped when its state dies. */
    long[] walk(State s) {
        long[] mask = new long[words];
        if (s.accepting) {
            for (int t : trie.endOfGeneration) {
                mask[t >> 6] |= 1L << (t & 63);
            }
        }
        if (s == dead) {
            return mask;
        }
        State[] at = new State[trie.maxDepth + 1];
        at[0] = s;
        byte[] nodeByte = trie.nodeByte;
        int[] depth = trie.depth;
        int[] end = trie.end;
        int[] token = trie.token;
        byte[] classOf = g.classOf;
        int n = nodeByte.length;
        int i = 1;
        while (i < n) {
            State p = at[depth[i] - 1];
            int c = classOf[nodeByte[i] & 0xFF];
            State q = p.next[c];
            if (q == null) {
                q = computeStep(p, c);
                p.next[c] = q;
            }
            if (q == dead) {
                i = end[i];
                continue;
            }
            at[depth[i]] = q;
            int t = token[i];
            while (t >= 0) {
                mask[t >> 6] |= 1L << (t & 63);
                t = trie.sameBytes[t];
            }
            i++;
        }
        return mask;
    }
}
