package jllm.generate.grammar;

/**
 * Where one generation is in a grammar: the allowed next tokens, and advancing by the chosen one.
 * Not thread-safe; matchers of one engine share its caches and must not run concurrently.
 */
public final class GrammarMatcher {
    private final GrammarEngine engine;
    private GrammarEngine.State state;

    GrammarMatcher(GrammarEngine engine) {
        this.engine = engine;
        this.state = engine.initial;
    }

    /** A matcher at the same place (they then move independently). */
    public GrammarMatcher copy() {
        GrammarMatcher m = new GrammarMatcher(engine);
        m.state = state;
        return m;
    }

    /**
     * The tokens allowed next: bit {@code id & 63} of word {@code id >> 6}; end-of-generation tokens are
     * allowed when the text so far is a whole sentence. The array is shared: do not modify it.
     */
    public long[] mask() {
        synchronized (engine) {
            return engine.mask(state);
        }
    }

    /** True when token {@code id} is allowed next. */
    public boolean allows(int id) {
        long[] m = mask();
        return (m[id >> 6] >>> (id & 63) & 1) != 0;
    }

    /** Advances by a token's bytes; false (and the matcher is then dead) when they cannot continue. */
    public boolean advance(int token) {
        return advance(engine.trie.bytes[token]);
    }

    /** Advances by bytes; false (and the matcher is then dead) when they cannot continue. */
    public boolean advance(byte[] bytes) {
        synchronized (engine) {
            state = engine.step(state, bytes);
        }
        return state != engine.dead;
    }

    /** True when the text so far is a whole sentence of the grammar. */
    public boolean accepting() {
        return state.accepting;
    }

    /** True when the text is a whole sentence and nothing may follow it. */
    public boolean finished() {
        return engine.finished(state);
    }

    /** The current state (for tests that compare mask paths). */
    GrammarEngine.State state() {
        return state;
    }

    /** True when no text can continue (an earlier byte was refused). */
    public boolean dead() {
        return state == engine.dead;
    }
}
