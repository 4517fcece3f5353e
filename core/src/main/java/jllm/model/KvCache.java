package jllm.model;

/**
 * The memory of one sequence, what a model's forward call reads and extends: an attention model's keys
 * and values ({@link AttentionCache}) or a state-space model's recurrent state ({@link RecurrentState}).
 * Generation, sessions and server slots see only this interface.
 *
 * <pre>{@code
 * KvCache cache = model.newCache(512);
 * model.forward(cache, prompt, LanguageModel.Logits.LAST);
 * cache.truncate(3); // keep a prefix; cache.length() says how much was kept
 * }</pre>
 */
public interface KvCache {

    /** Storage precision of cached keys and values (a recurrent state is always F32). */
    enum Type { F16, F32 }

    /** Number of positions the memory holds (has consumed). */
    int length();

    /** Most positions the sequence may have. */
    int maxContext();

    /**
     * Forgets every position from {@code newLength} on (for prefix reuse and rewinding). A key/value cache
     * keeps exactly {@code newLength} positions; a recurrent state, which cannot forget single positions,
     * goes back to its latest checkpoint at or before {@code newLength} (0 at worst). Either way
     * {@link #length()} afterwards says how many positions are kept: the caller re-evaluates the rest.
     */
    void truncate(int newLength);

    /** Makes room for positions up to {@code endExclusive}; throws {@link ContextOverflowException} past maxContext. */
    void ensureCapacity(int endExclusive);

    /** Marks positions up to {@code endExclusive} as consumed (after every layer has seen them). */
    void advanceTo(int endExclusive);

    /** Bytes the memory takes at full context: grows with it for keys and values, constant for a recurrent state. */
    long bytesAtFullContext();
}
