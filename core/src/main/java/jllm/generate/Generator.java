package jllm.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import jllm.tokenizer.TokenDecoder;
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
     * @param ignoreEog keep going past end-of-generation tokens
     */
    public record Options(int maxTokens, SamplerSettings sampler, List<String> stop, boolean ignoreEog) {
        public Options {
            if (maxTokens < 0) {
                throw new IllegalArgumentException("the number of tokens to generate must not be negative, got " + maxTokens);
            }
            stop = List.copyOf(stop);
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
        long t0 = System.nanoTime();
        float[] logits = session.prefill(prompt);
        long t1 = System.nanoTime();
        SamplerChain chain = SamplerChain.of(options.sampler());
        TokenHistory history = new TokenHistory();
        history.addAll(prompt);
        Set<Integer> eog = tokenizer.vocabulary().endOfGeneration();
        TokenDecoder decoder = tokenizer.newDecoder(false);
        StopStrings stops = new StopStrings(options.stop());
        StringBuilder text = new StringBuilder();
        List<Integer> out = new ArrayList<>();
        FinishReason reason = FinishReason.LENGTH;
        while (out.size() < options.maxTokens()) {
            if (cancelled.getAsBoolean()) {
                reason = FinishReason.CANCELLED;
                break;
            }
            int token = chain.sample(logits, history);
            if (!options.ignoreEog() && eog.contains(token)) {
                reason = FinishReason.STOP;
                break;
            }
            out.add(token);
            history.add(token);
            String piece = stops.add(decoder.next(token));
            if (!piece.isEmpty()) {
                text.append(piece);
                onText.accept(piece);
            }
            if (stops.stopped()) {
                reason = FinishReason.STOP;
                break;
            }
            if (out.size() == options.maxTokens()) {
                break;
            }
            if (session.length() >= session.maxContext()) {
                reason = FinishReason.CONTEXT;
                break;
            }
            logits = session.next(token);
        }
        if (!stops.stopped()) {
            String rest = stops.add(decoder.finish()) + stops.flush();
            if (!rest.isEmpty()) {
                text.append(rest);
                onText.accept(rest);
            }
        }
        long t2 = System.nanoTime();
        return new Result(out.stream().mapToInt(Integer::intValue).toArray(), text.toString(), reason,
                prompt.length, t1 - t0, t2 - t1);
    }
}
