package jllm.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jllm.model.KvCache;
import jllm.model.LanguageModel;

/**
 * One sequence being generated: a KV cache and the tokens it holds. Feeding a new prompt reuses the
 * longest common prefix already in the cache (follow-up chat turns evaluate only the new tokens).
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
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens");
        }
        if (prompt.length > cache.maxContext()) {
            throw new jllm.model.ContextOverflowException(prompt.length, cache.maxContext());
        }
        int common = commonPrefix(prompt);
        // at least one token must be evaluated to have logits
        common = Math.min(common, prompt.length - 1);
        cache.truncate(common);
        tokens = Arrays.copyOf(tokens, common);
        float[] logits = null;
        for (int i = common; i < prompt.length; i += MAX_BATCH) {
            int[] batch = Arrays.copyOfRange(prompt, i, Math.min(prompt.length, i + MAX_BATCH));
            logits = model.forward(cache, batch, LanguageModel.Logits.LAST);
        }
        tokens = prompt.clone();
        return logits;
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
        if (sessions.size() != tokens.length) {
            throw new IllegalArgumentException(sessions.size() + " sessions but " + tokens.length + " tokens");
        }
        if (sessions.isEmpty()) {
            return new float[0][];
        }
        LanguageModel model = sessions.getFirst().model;
        List<KvCache> caches = new ArrayList<>(sessions.size());
        for (Session s : sessions) {
            if (s.model != model) {
                throw new IllegalArgumentException("sessions of different models cannot be batched");
            }
            caches.add(s.cache);
        }
        float[] all = model.forwardBatch(caches, tokens);
        int vocab = all.length / tokens.length;
        float[][] logits = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            logits[i] = Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab);
            Session s = sessions.get(i);
            s.tokens = Arrays.copyOf(s.tokens, s.tokens.length + 1);
            s.tokens[s.tokens.length - 1] = tokens[i];
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
