package jllm.generate;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jllm.generate.grammar.Grammar;
import jllm.generate.grammar.JsonGrammar;
import jllm.tokenizer.Tokenizer;

/**
 * Generates text: evaluates the prompt, then samples one token at a time until an end-of-generation
 * token, a stop string, the token limit, the end of the context, or cancellation. Text is streamed
 * as it becomes valid UTF-8 and certain not to be part of a stop string.
 *
 * <pre>{@code
 * Session session = Session.of(model, 2048);
 * Generator.Result r = Generator.generate(session, tokenizer, tokenizer.encode("Once upon a time"),
 *         new Generator.Options(64, SamplerSettings.GREEDY, List.of(), false), System.out::print, () -> false);
 * }</pre>
 */
public final class Generator {
    private Generator() {
    }

    /**
     * @param maxTokens most tokens to generate
     * @param sampler   sampler settings
     * @param stop      stop strings (not included in the output)
     * @param ignoreEog   keep going past end-of-generation tokens
     * @param topLogprobs report each token's log-probability and this many alternatives; -1 = off
     * @param jsonObject  only sample tokens that keep the text a prefix of a JSON object, and end when
     *                    the object is closed ({@link JsonGrammar#object()})
     * @param grammar     when not null, only sample tokens that keep the text a prefix of a sentence of
     *                    this grammar, and end when nothing may follow ({@link GrammarMask})
     * @param specialText write control tokens into the text as their token text (a reply format whose
     *                    markers are control tokens, such as gpt-oss's harmony, is parsed from them)
     */
    public record Options(int maxTokens, SamplerSettings sampler, List<String> stop, boolean ignoreEog,
                          int topLogprobs, boolean jsonObject, Grammar grammar, boolean specialText) {
        public Options {
            if (maxTokens < 0) {
                throw new IllegalArgumentException("the number of tokens to generate must not be negative, got " + maxTokens);
            }
            if (topLogprobs < -1) {
                throw new IllegalArgumentException("top logprobs must be -1 (off) or at least 0, got " + topLogprobs);
            }
            stop = List.copyOf(stop);
        }

        /** Options whose text leaves control tokens out. */
        public Options(int maxTokens, SamplerSettings sampler, List<String> stop, boolean ignoreEog,
                       int topLogprobs, boolean jsonObject, Grammar grammar) {
            this(maxTokens, sampler, stop, ignoreEog, topLogprobs, jsonObject, grammar, false);
        }

        /** Options without a grammar. */
        public Options(int maxTokens, SamplerSettings sampler, List<String> stop, boolean ignoreEog,
                       int topLogprobs, boolean jsonObject) {
            this(maxTokens, sampler, stop, ignoreEog, topLogprobs, jsonObject, null);
        }

        /** Options without log-probabilities. */
        public Options(int maxTokens, SamplerSettings sampler, List<String> stop, boolean ignoreEog) {
            this(maxTokens, sampler, stop, ignoreEog, -1, false);
        }

        /** These options with the output constrained to a grammar. */
        public Options withGrammar(Grammar g) {
            return new Options(maxTokens, sampler, stop, ignoreEog, topLogprobs, jsonObject, g, specialText);
        }

        /** These options with control tokens written into the text, or not. */
        public Options withSpecialText(boolean on) {
            return new Options(maxTokens, sampler, stop, ignoreEog, topLogprobs, jsonObject, grammar, on);
        }
    }

    /** Why generation ended. */
    public enum FinishReason {
        /** An end-of-generation token or a stop string. */
        STOP,
        /** The token limit. */
        LENGTH,
        /** The context is full. */
        CONTEXT,
        /** The caller cancelled. */
        CANCELLED
    }

    /**
     * @param tokens        the generated tokens (an end-of-generation token is not included)
     * @param text          the generated text, as streamed
     * @param finishReason  why it ended
     * @param promptTokens  prompt length in tokens
     * @param promptNanos   time spent evaluating the prompt
     * @param generateNanos time spent generating
     */
    public record Result(int[] tokens, String text, FinishReason finishReason, int promptTokens, long promptNanos,
                         long generateNanos) {
        /** Prompt tokens per second. */
        public double promptTokensPerSecond() {
            return promptNanos == 0 ? 0 : promptTokens * 1e9 / promptNanos;
        }

        /** Generated tokens per second. */
        public double generateTokensPerSecond() {
            return generateNanos == 0 ? 0 : tokens.length * 1e9 / generateNanos;
        }
    }

    /** Generates a continuation of {@code prompt}, streaming text to {@code onText}. */
    public static Result generate(Session session, Tokenizer tokenizer, int[] prompt, Options options,
                                  Consumer<String> onText, BooleanSupplier cancelled) {
        return generateSteps(session, tokenizer, prompt, options, step -> {
            if (!step.text().isEmpty()) {
                onText.accept(step.text());
            }
        }, cancelled);
    }

    /**
     * Generates a continuation of {@code prompt}, reporting every step (token, released text and, when
     * {@link Options#topLogprobs()} asks, log-probabilities) to {@code onStep}.
     */
    public static Result generateSteps(Session session, Tokenizer tokenizer, int[] prompt, Options options,
                                       Decoding.Listener onStep, BooleanSupplier cancelled) {
        long t0 = System.nanoTime();
        float[] logits = session.prefill(prompt);
        long t1 = System.nanoTime();
        Decoding decoding = new Decoding(tokenizer, prompt, options, onStep);
        while (!decoding.done()) {
            if (cancelled.getAsBoolean()) {
                decoding.cancel();
                break;
            }
            int token = decoding.step(logits, session.length(), session.maxContext());
            if (token < 0) {
                break;
            }
            logits = session.next(token);
        }
        FinishReason reason = decoding.finish();
        long t2 = System.nanoTime();
        return new Result(decoding.tokens(), decoding.text(), reason, prompt.length, t1 - t0, t2 - t1);
    }
}
