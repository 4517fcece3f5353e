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
 * grows a deterministic automaton lazily, as parsing visits it.
 *
 * <p>Masks (XGrammar's split of context-independent and context-dependent tokens): a state's mask is the
 * union of its stacks' masks, and a stack's tokens mostly depend only on its top position. So, once per
 * position, the engine walks the trie from that position over an unknown rest of the stack (a "hole"):
 * a token read entirely inside the top rule is accepted whatever lies below, a token refused before the
 * top rule could end is refused whatever lies below, and the subtrees where a token needs bytes after the
 * top rule ended are kept as a short list of trie nodes. A mask is then an OR of the positions' accepted
 * sets plus a walk of those few subtrees with the real state. A run of frames met for the first time
 * takes one walk of the whole trie instead (computing its position mask would cost as much); met
 * again, its position mask is computed and kept. {@link #referenceMask} is the plain walk of the whole
 * trie, kept beside it; the two agree (tests compare them). Masks are kept per state too, so a state met
 * again costs nothing. Caches are bounded ({@link #MAX_STATES}, {@link #MAX_POSITION_MASKS})
 * and start afresh when full.
 *
 * <p>Parses are bounded: at most {@link #MAX_STACKS} stacks per state, {@link #MAX_STACK_DEPTH} nested
 * calls (deeper text is refused, as JSON parsers refuse deep nesting), and {@link #MAX_WORK} parse steps
 * for one mask or one token (an ambiguous grammar whose states multiply fails there, fast, naming the
 * rule it was in).
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
    /** Per-position masks kept before that cache starts afresh (each holds one bit per token). */
    public static final int MAX_POSITION_MASKS = 1024;
    /** Most parse steps (stack expansions) one mask or one token may take. */
    public static final long MAX_WORK = 20_000_000;
    /** Most stack frames a position mask looks at. */
    static final int MAX_CONTEXT = 4;
    /** Uncertain trie nodes a position mask may leave before it takes one more frame of context. */
    static final int NARROW = 4096;
    /** States with more stacks than this take the plain walk (the OR of many position masks costs more). */
    static final int MAX_SPLIT_STACKS = 64;

    final Grammar g;
    final TokenTrie trie;
    private final long workBudget;
    final int words;               // longs per mask

    /** One parse stack: a byte-set position on top of return positions (interned: equal stacks are one object). */
    static final class Stack {
        final int pos;
        final Stack parent;
        final int id;
        final int depth;

        Stack(int pos, Stack parent, int id, int depth) {
            this.pos = pos;
            this.parent = parent;
            this.id = id;
            this.depth = depth;
        }
    }

    /** A parse state: the live stacks, sorted by id; accepting when one of them is empty. */
    static final class State {
        final Stack[] stacks;
        final boolean accepting;
        final boolean popped;      // holds the hole: a top rule may have ended (position masks only)
        final State[] next;        // (numClasses) transitions, filled as needed
        long[] mask;               // the token mask, once computed

        State(Stack[] stacks, boolean accepting, boolean popped, int classes) {
            this.stacks = stacks;
            this.accepting = accepting;
            this.popped = popped;
            this.next = new State[classes];
        }
    }

    /**
     * What one top position does to every token, whatever lies below it: {@code accepted} (a mask),
     * and the trie nodes whose subtrees need the real stack ({@code uncertain}, in trie order).
     */
    record PositionMask(long[] accepted, int[] uncertain, long uncertainNodes) {
    }

    private static final PositionMask NOT_SPLIT = new PositionMask(null, null, 0);

    private final Stack empty = new Stack(-1, null, 0, 0);
    // the unknown rest of a stack; deep enough that a position mask's walk stops at half the depth bound
    private final Stack hole = new Stack(-2, null, Integer.MAX_VALUE, MAX_STACK_DEPTH / 2);
    final State dead;
    private Map<Long, Stack> stacks = new HashMap<>();
    private Map<StateKey, State> states = new HashMap<>();
    private Map<ContextKey, PositionMask> positionMasks = new HashMap<>();
    private Set<ContextKey> metOnce = new HashSet<>();
    private int nextStackId = 1;
    private int masks;
    private int cutoffs;           // parses refused for depth so far
    private long work;             // parse steps since the current mask or token began
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
        this(g, trie, MAX_WORK);
    }

    /** An engine whose masks and tokens may take at most {@code workBudget} parse steps each. */
    GrammarEngine(Grammar g, TokenTrie trie, long workBudget) {
        this.workBudget = workBudget;
        this.g = g;
        this.trie = trie;
        this.words = (trie.vocabSize + 63) / 64;
        this.dead = new State(new Stack[0], false, false, g.numClasses);
        Arrays.fill(dead.next, dead);
        dead.mask = new long[words];
        List<Stack> out = new ArrayList<>();
        Seen seen = new Seen();
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
        long key = ((long) pos << 32) | (parent.id & 0xFFFF_FFFFL);
        Stack s = stacks.get(key);
        if (s == null) {
            // ids are never reused, so stacks made before the caches started afresh stay distinct
            s = new Stack(pos, parent, nextStackId++, parent.depth + 1);
            stacks.put(key, s);
        }
        return s;
    }

    /** Adds the stacks reached from {@code pos} (with {@code parent} below) without reading a byte. */
    private void expand(int pos, Stack parent, List<Stack> out, Seen seen, int calls) {
        if (!seen.add(((long) pos << 32) | (parent.id & 0xFFFF_FFFFL))) {
            return;
        }
        if (++work > workBudget) {
            throw new GrammarException("the grammar is too ambiguous near rule " + ruleNear(pos, parent)
                    + ": over " + workBudget + " parse steps for one token or mask");
        }
        switch (g.kind[pos]) {
            case Grammar.BYTES -> out.add(stack(pos, parent));
            case Grammar.END -> {
                if (parent == empty || parent == hole) {
                    out.add(parent);
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
                        cutoffs++;
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
            throw new GrammarException("the grammar is too ambiguous near rule " + ruleNear(arr)
                    + ": over " + MAX_STACKS + " parses at once");
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
            boolean acc = false;
            boolean popped = false;
            for (Stack st : arr) {
                acc |= st == empty;
                popped |= st == hole;
            }
            s = new State(arr, acc, popped, g.numClasses);
            states.put(key, s);
        }
        return s;
    }

    /** The name of the rule the first real stack is in (for errors). */
    private String ruleNear(Stack[] arr) {
        for (Stack st : arr) {
            if (st.pos >= 0) {
                return ruleNear(st.pos, st.parent);
            }
        }
        return g.ruleNames[g.start];
    }

    /** The innermost named rule (not one made for a group or repetition) of a position and the stack under it. */
    private String ruleNear(int pos, Stack parent) {
        String name = g.ruleNames[g.ruleAt(pos)];
        for (Stack st = parent; name.startsWith("_") && st != null && st.pos >= 0; st = st.parent) {
            name = g.ruleNames[g.ruleAt(st.pos)];
        }
        return name;
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
        List<Stack> out = scratchOut;
        out.clear();
        scratchSeen.clear();
        for (Stack st : s.stacks) {
            if (st.pos >= 0 && g.has(st.pos, b)) {
                expand(st.pos + 1, st.parent, out, scratchSeen, 0);
            }
        }
        return intern(out);
    }

    private final List<Stack> scratchOut = new ArrayList<>();
    private final Seen scratchSeen = new Seen();

    /** A set of (position, stack id) pairs, emptied in O(1) between steps (reused: steps run one at a time). */
    private static final class Seen {
        private long[] keys = new long[64];
        private int[] stamp = new int[64];
        private int gen = 1;
        private int size;

        void clear() {
            gen++;
            size = 0;
        }

        /** True when the key was not in the set yet. */
        boolean add(long key) {
            int mask = keys.length - 1;
            int h = (int) (key ^ key >>> 29) * 0x9E3779B9;
            h ^= h >>> 16;
            for (int i = h & mask; ; i = (i + 1) & mask) {
                if (stamp[i] != gen) {
                    stamp[i] = gen;
                    keys[i] = key;
                    if (++size * 2 > keys.length) {
                        grow();
                    }
                    return true;
                }
                if (keys[i] == key) {
                    return false;
                }
            }
        }

        private void grow() {
            long[] k = keys;
            int[] st = stamp;
            int g0 = gen;
            keys = new long[k.length * 2];
            stamp = new int[k.length * 2];
            gen = 1;
            size = 0;
            for (int i = 0; i < k.length; i++) {
                if (st[i] == g0) {
                    add(k[i]);
                }
            }
        }
    }

    /** The state after these bytes (the dead state when they cannot continue). */
    State step(State s, byte[] bytes) {
        work = 0;
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
        work = 0;
        m = splitMask(s);
        if (masks >= MAX_MASKS) {
            masks = 0; // masks are dropped with the states that hold them; a count bounds those alive
        }
        masks++;
        s.mask = m;
        return m;
    }

    /** The mask as the OR of the top positions' masks plus a real walk of their uncertain subtrees. */
    long[] splitMask(State s) {
        if (s == dead || s.stacks.length > MAX_SPLIT_STACKS) {
            return referenceMask(s);
        }
        long[] mask = new long[words];
        int[] roots = new int[16];
        int n = 0;
        PositionMask[] used = new PositionMask[s.stacks.length];
        int distinct = 0;
        for (Stack st : s.stacks) {
            if (st.pos < 0) {
                continue;
            }
            if (st.depth >= MAX_STACK_DEPTH / 2) {
                return referenceMask(s); // near the depth bound a position mask could differ from the real parse
            }
            // a run of frames met for the first time: the plain walk (one walk of the trie, as computing
            // its position mask would take); met again, its position mask is computed and kept
            PositionMask pm = positionMask(st, false);
            if (pm == null || pm == NOT_SPLIT) {
                return referenceMask(s);
            }
            boolean again = false;
            for (int i = 0; i < distinct; i++) {
                again |= used[i] == pm;
            }
            if (again) {
                continue;
            }
            used[distinct++] = pm;
            long[] a = pm.accepted();
            for (int w = 0; w < words; w++) {
                mask[w] |= a[w];
            }
            if (n + pm.uncertain().length > roots.length) {
                roots = Arrays.copyOf(roots, Math.max(roots.length * 2, n + pm.uncertain().length));
            }
            System.arraycopy(pm.uncertain(), 0, roots, n, pm.uncertain().length);
            n += pm.uncertain().length;
        }
        if (s.accepting) {
            trie.markEndOfGeneration(mask);
        }
        // walk each uncertain subtree once (one inside another's is covered by it) with the real state
        if (distinct > 1) {
            Arrays.sort(roots, 0, n);
        }
        State[] at = new State[trie.maxDepth + 1];
        int[] path = new int[trie.maxDepth + 1];
        int covered = 0;
        for (int r = 0; r < n; r++) {
            int root = roots[r];
            if (root < covered) {
                continue;
            }
            covered = trie.end[root];
            // the real state above the root: step through the root's ancestors' bytes
            int d = trie.depth[root];
            for (int x = root, k = d; k > 0; k--) {
                path[k] = x;
                x = trie.parent[x];
            }
            State p = s;
            for (int k = 1; k < d && p != dead; k++) {
                p = step(p, g.classOf[trie.nodeByte[path[k]] & 0xFF]);
            }
            if (p != dead) {
                at[d - 1] = p;
                walk(at, root, trie.end[root], mask);
            }
        }
        return mask;
    }

    /**
     * The position mask of a stack's top frames over the hole: the top frame alone first; when that
     * leaves many tokens uncertain (the top rule is short, a character inside a string, so it ends on
     * nearly every byte) one more frame below it, up to {@link #MAX_CONTEXT} frames. Computed once per
     * run of positions.
     */
    PositionMask positionMask(Stack st) {
        return positionMask(st, true);
    }

    /**
     * As {@link #positionMask(Stack)}; when {@code compute} is false, a run of frames met for the first
     * time is only noted, and null returned (the caller takes the plain walk for that state).
     */
    private PositionMask positionMask(Stack st, boolean compute) {
        int[] key = new int[MAX_CONTEXT];
        int k = 0;
        PositionMask pm = null;
        for (Stack f = st; k < MAX_CONTEXT; f = f.parent) {
            key[k++] = f.pos;  // the empty stack's -1 ends a stack shorter than the context
            ContextKey ck = new ContextKey(Arrays.copyOf(key, k));
            PositionMask coarser = pm;
            pm = positionMasks.get(ck);
            if (pm == null) {
                if (!compute && metOnce.add(ck)) {
                    return null;
                }
                if (positionMasks.size() >= MAX_POSITION_MASKS) {
                    positionMasks = new HashMap<>();
                    metOnce = new HashSet<>();
                }
                pm = computePositionMask(ck.positions(), coarser);
                positionMasks.put(ck, pm);
            }
            if (pm == NOT_SPLIT || f == empty || pm.uncertainNodes() <= NARROW) {
                break;
            }
        }
        return pm;
    }

    /** Top frames (positions, top first; a final -1 is the bottom of the stack). */
    private record ContextKey(int[] positions) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ContextKey k && Arrays.equals(k.positions, positions);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(positions);
        }
    }

    /**
     * The position mask of these top frames over the hole: a walk of the whole trie, or, given the mask
     * of fewer frames ({@code coarser}), of its uncertain subtrees only (what it accepted or refused stays so).
     */
    private PositionMask computePositionMask(int[] frames, PositionMask coarser) {
        int cutoffsBefore = cutoffs;
        int last = frames.length - 1;
        Stack top = frames[last] < 0 ? empty : hole;
        for (int f = frames[last] < 0 ? last - 1 : last; f >= 0; f--) {
            top = stack(frames[f], top);
        }
        State start = intern(List.of(top));
        AbstractWalk w = new AbstractWalk(start, coarser == null ? new long[words] : coarser.accepted().clone());
        if (coarser == null) {
            w.walk(1, trie.nodeByte.length);
        } else {
            int[] path = new int[trie.maxDepth + 1];
            for (int root : coarser.uncertain()) {
                // the abstract state above the root, and whether the top rule may have ended on the way
                int d = trie.depth[root];
                for (int x = root, k = d; k > 0; k--) {
                    path[k] = x;
                    x = trie.parent[x];
                }
                State p = start;
                boolean popped = false;
                for (int k = 1; k < d && p != dead; k++) {
                    p = step(p, g.classOf[trie.nodeByte[path[k]] & 0xFF]);
                    popped |= p.popped;
                }
                if (p != dead) {
                    w.at[d - 1] = p;
                    w.poppedAbove[d - 1] = popped;
                    w.walk(root, trie.end[root]);
                }
            }
        }
        if (cutoffs != cutoffsBefore) {
            return NOT_SPLIT; // the depth bound refused a parse: this position's tokens depend on the stack's depth
        }
        long uncertainNodes = 0;
        for (int r = 0; r < w.n; r++) {
            uncertainNodes += trie.end[w.uncertain[r]] - w.uncertain[r];
        }
        return new PositionMask(w.accepted, Arrays.copyOf(w.uncertain, w.n), uncertainNodes);
    }

    /** A trie walk over abstract states (stacks over the hole), sorting tokens into accepted and uncertain. */
    private final class AbstractWalk {
        final State[] at = new State[trie.maxDepth + 1];
        final boolean[] poppedAbove = new boolean[trie.maxDepth + 1]; // a state on the path to this depth held the hole
        final long[] accepted;
        int[] uncertain = new int[16];
        int n;

        AbstractWalk(State start, long[] accepted) {
            this.at[0] = start;
            this.accepted = accepted;
        }

        /** Walks trie nodes [from, to), whole subtrees, with {@code at} and {@code poppedAbove} set above {@code from}. */
        void walk(int from, int to) {
            byte[] nodeByte = trie.nodeByte;
            int[] depth = trie.depth;
            int[] end = trie.end;
            byte[] classOf = g.classOf;
            int i = from;
            while (i < to) {
                int d = depth[i];
                State q = step(at[d - 1], classOf[nodeByte[i] & 0xFF]);
                if (q == dead || q.stacks.length == 1 && q.popped) {
                    // nothing in the top rules reads on: refused, unless they may have ended on the way
                    if (q.popped || poppedAbove[d - 1]) {
                        if (n == uncertain.length) {
                            uncertain = Arrays.copyOf(uncertain, n * 2);
                        }
                        uncertain[n++] = i;
                    }
                    i = end[i];
                    continue;
                }
                at[d] = q;
                poppedAbove[d] = q.popped || poppedAbove[d - 1];
                trie.markTokens(i, accepted);
                i++;
            }
        }
    }

    /** The reference: one walk of the whole trie from the state, one transition per node. */
    long[] referenceMask(State s) {
        long[] mask = new long[words];
        if (s.accepting) {
            trie.markEndOfGeneration(mask);
        }
        if (s == dead) {
            return mask;
        }
        State[] at = new State[trie.maxDepth + 1];
        at[0] = s;
        walk(at, 1, trie.nodeByte.length, mask);
        return mask;
    }

    /**
     * Walks trie nodes [from, to) (a run of whole subtrees), {@code at[depth - 1]} holding the state above
     * {@code from}: one transition per node, a subtree skipped when its state dies.
     */
    private void walk(State[] at, int from, int to, long[] mask) {
        byte[] nodeByte = trie.nodeByte;
        int[] depth = trie.depth;
        int[] end = trie.end;
        byte[] classOf = g.classOf;
        int i = from;
        while (i < to) {
            State q = step(at[depth[i] - 1], classOf[nodeByte[i] & 0xFF]);
            if (q == dead) {
                i = end[i];
                continue;
            }
            at[depth[i]] = q;
            trie.markTokens(i, mask);
            i++;
        }
    }
}
