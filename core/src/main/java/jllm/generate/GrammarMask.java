package jllm.generate;

import java.util.Map;
import java.util.WeakHashMap;

import jllm.generate.grammar.Grammar;
import jllm.generate.grammar.GrammarEngine;
import jllm.generate.grammar.GrammarMatcher;
import jllm.generate.grammar.TokenTrie;
import jllm.tokenizer.Tokenizer;

/**
 * The sampler step that keeps the output a sentence of a grammar: every token that cannot continue it
 * gets a logit of -infinity (end-of-generation tokens too, until the sentence is whole). It runs first in
 * the chain; {@link #accept} moves it past each sampled token.
 *
 * <pre>{@code
 * GrammarMask mask = GrammarMask.of(JsonGrammar.object(), tokenizer);
 * SamplerChain chain = SamplerChain.of(settings).withFirst(mask);
 * int t = chain.sample(logits, history);
 * mask.accept(t);
 * }</pre>
 */
public final class GrammarMask implements LogitsProcessor {
    private static final Map<Grammar, GrammarEngine> ENGINES = new WeakHashMap<>();

    private final GrammarMatcher matcher;
    private boolean anyAllowed = true;

    private GrammarMask(GrammarMatcher matcher) {
        this.matcher = matcher;
    }

    /** A mask at the start of {@code grammar} over this tokenizer's vocabulary (engines are shared per grammar). */
    public static GrammarMask of(Grammar grammar, Tokenizer tokenizer) {
        TokenTrie trie = TokenTrie.of(tokenizer);
        GrammarEngine e;
        synchronized (ENGINES) {
            e = ENGINES.get(grammar);
            if (e == null || e.trie() != trie) {
                e = new GrammarEngine(grammar, trie);
                ENGINES.put(grammar, e);
            }
        }
        return new GrammarMask(e.matcher());
    }

    @Override
    public void process(Candidates c, TokenHistory history) {
        long[] mask = matcher.mask();
        int limit = mask.length * 64;
        boolean any = false;
        for (int i = 0; i < c.size; i++) {
            int id = c.ids[i];
            if (id >= limit || (mask[id >> 6] >>> (id & 63) & 1) == 0) {
                c.logits[i] = Float.NEGATIVE_INFINITY;
            } else {
                any = true;
            }
        }
        anyAllowed = any;
    }

    /** False when the last {@link #process} left no token (the vocabulary cannot continue the sentence). */
    public boolean anyAllowed() {
        return anyAllowed;
    }

    /** Moves past the sampled token; false when it was not allowed. */
    public boolean accept(int token) {
        return matcher.allows(token) && matcher.advance(token);
    }

    /** True when the sentence is whole and nothing may follow. */
    public boolean finished() {
        return matcher.finished();
    }
}
