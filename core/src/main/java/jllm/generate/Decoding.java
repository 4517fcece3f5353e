package jllm.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jllm.generate.grammar.Grammar;
import jllm.generate.grammar.JsonGrammar;
import jllm.tokenizer.TokenDecoder;
import jllm.tokenizer.Tokenizer;

/**
 * The sampling side of one generation, driven one step at a time by whoever runs the model: give it
 * the logits after the last token, get back the next token to evaluate (or the end). This lets a
 * server evaluate the next tokens of several sequences in one batched forward call; {@link Generator}
 * drives it in a plain loop.
 *
 * <pre>{@code
 * float[] logits = session.prefill(prompt);
 * Decoding d = new Decoding(tokenizer, prompt, options, step -> System.out.print(step.text()));
 * for (int t = d.step(logits, session.length(), session.maxContext()); t >= 0;
 *         t = d.step(session.next(t), session.length(), session.maxContext())) { }
 * Generator.FinishReason why = d.finish();
 * }</pre>
 */
public final class Decoding {

    /**
     * What one step produced.
     *
     * @param token    the sampled token (not reported for an end-of-generation token)
     * @param text     text released by this step: complete UTF-8, certain not to be part of a stop
     *                 string (may be empty; may hold text held back by earlier steps)
     * @param logprobs the token's log-probability and the best alternatives, when asked for
     */
    public record Step(int token, String text, TokenLogprob.Scored logprobs) {
    }

    /** Receives each step as it happens. */
    @FunctionalInterface
    public interface Listener {
        void onStep(Step step);
    }

    private final Generator.Options options;
    private final Listener listener;
    private final SamplerChain chain;
    private final TokenHistory history = new TokenHistory();
    private final Set<Integer> eog;
    private final TokenDecoder decoder;
    private final StopStrings stops;
    private final StringBuilder text = new StringBuilder();
    private final List<Integer> out = new ArrayList<>();
    private Generator.FinishReason reason;
    private final GrammarMask grammar; // null unless the output must be a sentence of a grammar

    /** Starts a generation after {@code prompt} (the prompt feeds the penalties' history). */
    public Decoding(Tokenizer tokenizer, int[] prompt, Generator.Options options, Listener listener) {
        this.options = options;
        this.listener = listener;
        Grammar g = options.grammar() != null ? options.grammar() : options.jsonObject() ? JsonGrammar.object() : null;
        this.grammar = g == null ? null : GrammarMask.of(g, tokenizer);
        this.chain = grammar == null ? SamplerChain.of(options.sampler()) : SamplerChain.of(options.sampler()).withFirst(grammar);
        this.history.addAll(prompt);
        this.eog = tokenizer.vocabulary().endOfGeneration();
        this.decoder = tokenizer.newDecoder(options.specialText());
        this.stops = new StopStrings(options.stop());
        if (options.maxTokens() == 0) {
            reason = Generator.FinishReason.LENGTH;
        }
    }

    /**
     * Samples the next token from {@code logits} and reports it.
     *
     * @param length     positions the sequence's cache holds now
     * @param maxContext positions it can hold
     * @return the token to evaluate next, or -1 when the generation has ended
     */
    public int step(float[] logits, int length, int maxContext) {
        if (reason != null) {
            return -1;
        }
        float[] raw = logits; // log-probabilities are reported from the model's own distribution
        int token = chain.sample(logits, history);
        if (grammar != null && !grammar.accept(token)) { // no token can continue (the vocabulary cannot spell it)
            reason = Generator.FinishReason.STOP;
            return -1;
        }
        if (!options.ignoreEog() && eog.contains(token)) {
            reason = Generator.FinishReason.STOP;
            return -1;
        }
        out.add(token);
        history.add(token);
        String piece = stops.add(decoder.next(token));
        text.append(piece);
        TokenLogprob.Scored scored = options.topLogprobs() >= 0
                ? TokenLogprob.score(raw, token, options.topLogprobs()) : null;
        listener.onStep(new Step(token, piece, scored));
        if (stops.stopped() || (grammar != null && grammar.finished())) {
            reason = Generator.FinishReason.STOP;
        } else if (out.size() >= options.maxTokens()) {
            reason = Generator.FinishReason.LENGTH;
        } else if (length >= maxContext) {
            reason = Generator.FinishReason.CONTEXT;
        }
        return reason == null ? token : -1;
    }

    /** Ends the generation early (the caller cancelled). */
    public void cancel() {
        if (reason == null) {
            reason = Generator.FinishReason.CANCELLED;
        }
    }

    /** True once the generation has ended (or been cancelled). */
    public boolean done() {
        return reason != null;
    }

    /**
     * Releases the text still held back (an incomplete UTF-8 sequence, a possible stop-string start)
     * as a final step with token -1, unless a stop string ended it, and returns why it ended.
     */
    public Generator.FinishReason finish() {
        cancel();
        if (!stops.stopped()) {
            String rest = stops.add(decoder.finish()) + stops.flush();
            if (!rest.isEmpty()) {
                text.append(rest);
                listener.onStep(new Step(-1, rest, null));
            }
        }
        return reason;
    }

    /** The generated tokens (an end-of-generation token is not included). */
    public int[] tokens() {
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The text released so far. */
    public String text() {
        return text.toString();
    }
}
