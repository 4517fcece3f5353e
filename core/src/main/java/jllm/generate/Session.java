package jllm.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jllm.model.KvCache;
import jllm.model.LanguageModel;

/**
 * One sequence being generated: a KV cache (or recurrent state) and the tokens it holds. Feeding a new
 * prompt reuses the longest common prefix already in the cache (follow-up chat turns evaluate only the
 * new tokens; a recurrent state reuses the prefix up to its latest checkpoint within it).
 */
public final class Session {
    /** Most prompt tokens evaluated in one forward call (bounds scratch memory, as llama.cpp's ubatch). */
    public static final int MAX_BATCH = 512;

    private final LanguageModel model;
    private final KvCache cache;
    private int[] tokens = new int[0];

    public Session(LanguageModel model, KvCache cache) {
        this.model = model;
        this.cache = cache;
    }

    /** A session with an F16 cache of {@code maxContext} positions. */
    public static Session of(LanguageModel model, int maxContext) {
        return new Session(model, model.newCache(maxContext));
    }

    /**
     * Makes the cache hold exactly {@code prompt} and returns the logits after its last token.
     * Positions shared with what the cache already holds are kept, not recomputed.
     */
    public float[] prefill(int[] prompt) {
        int common = keepPrefix(prompt);
        float[] logits = null;
        for (int i = common; i < prompt.length; i += MAX_BATCH) {
            int[] batch = Arrays.copyOfRange(prompt, i, Math.min(prompt.length, i + MAX_BATCH));
            logits = model.forward(cache, batch, LanguageModel.Logits.LAST);
        }
        tokens = prompt.clone();
        return logits;
    }

    /**
     * Keeps the longest prefix of {@code prompt} the cache already holds (leaving at least one token to
     * evaluate, to have logits) and forgets the rest; returns its length. The caller then evaluates
     * {@code prompt[kept..]}, for instance in pieces through {@link #evaluate}.
     */
    public int keepPrefix(int[] prompt) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens");
        }
        if (prompt.length > cache.maxContext()) {
            throw new jllm.model.ContextOverflowException(prompt.length, cache.maxContext());
        }
        // at least one token must be evaluated to have logits
        cache.truncate(Math.min(commonPrefix(prompt), prompt.length - 1));
        // a recurrent state may go back further (to a checkpoint): what it kept is its length
        int kept = cache.length();
        tokens = Arrays.copyOf(tokens, kept);
        return kept;
    }

    /** Appends one token and returns the logits after it. */
    public float[] next(int token) {
        float[] logits = model.forward(cache, new int[]{token}, LanguageModel.Logits.LAST);
        tokens = Arrays.copyOf(tokens, tokens.length + 1);
        tokens[tokens.length - 1] = token;
        return logits;
    }

    /**
     * Appends one token to each session (distinct sessions of one model) in a single batched forward
     * call and returns each one's logits after it.
     */
    public static float[][] nextAll(List<Session> sessions, int[] tokens) {
        List<int[]> chunks = new ArrayList<>(tokens.length);
        for (int t : tokens) {
            chunks.add(new int[]{t});
        }
        return evaluate(sessions, chunks);
    }

    /**
     * Appends {@code chunks.get(i)} to session i (distinct sessions of one model: decode steps and pieces
     * of prompts alike) in a single forward call, and returns each one's logits after its last token.
     */
    public static float[][] evaluate(List<Session> sessions, List<int[]> chunks) {
        if (sessions.size() != chunks.size()) {
            throw new IllegalArgumentException(sessions.size() + " sessions but " + chunks.size() + " chunks");
        }
        if (sessions.isEmpty()) {
            return new float[0][];
        }
        LanguageModel model = sessions.getFirst().model;
        List<KvCache> caches = new ArrayList<>(sessions.size());
        for (int i = 0; i < sessions.size(); i++) {
            Session s = sessions.get(i);
            if (s.model != model) {
                throw new IllegalArgumentException("sessions of different models cannot be batched");
            }
            if (s.length() + chunks.get(i).length > s.maxContext()) {
                throw new jllm.model.ContextOverflowException(s.length() + chunks.get(i).length, s.maxContext());
            }
            caches.add(s.cache);
        }
        float[] all = model.forwardBatch(caches, chunks);
        int vocab = all.length / chunks.size();
        float[][] logits = new float[chunks.size()][];
        for (int i = 0; i < chunks.size(); i++) {
            logits[i] = Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab);
            Session s = sessions.get(i);
            int[] chunk = chunks.get(i);
            int old = s.tokens.length;
            s.tokens = Arrays.copyOf(s.tokens, old + chunk.length);
            System.arraycopy(chunk, 0, s.tokens, old, chunk.length);
        }
        return logits;
    }

    /** Number of leading tokens {@code prompt} shares with what the cache holds. */
    public int commonPrefix(int[] prompt) {
        int common = 0;
        while (common < tokens.length && common < prompt.length && tokens[common] == prompt[common]) {
            common++;
        }
        return common;
    }

    /** The tokens the cache holds. */
    public int[] tokens() {
        return tokens.clone();
    }

    /** Positions used. */
    public int length() {
        return tokens.length;
    }

    /** Positions available in all. */
    public int maxContext() {
        return cache.maxContext();
    }

    /** Forgets everything. */
    public void reset() {
        cache.truncate(0);
        tokens = new int[0];
    }

    /** The model. */
    public LanguageModel model() {
        return model;
    }
}
