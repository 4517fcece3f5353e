package jllm.api;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import jllm.generate.SamplerSettings;

/**
 * How to generate: how many tokens at most, how to sample, where to stop, and an optional constraint on
 * the output. Build one with named setters; the defaults are llama.cpp's sampler (temperature 0.8, top-k
 * 40, top-p 0.95, min-p 0.05, a fixed seed, so a call repeats) and at most {@value #DEFAULT_MAX_TOKENS} tokens.
 *
 * <pre>{@code
 * GenerateOptions o = GenerateOptions.builder().temperature(0).maxTokens(64).stop("\n\n").build();
 * }</pre>
 *
 * @param maxTokens  most tokens to generate (generation also ends at the end of the context)
 * @param sampler    the sampler settings
 * @param stop       stop strings; generation ends before the first one and it is not part of the text
 * @param constraint a grammar or JSON schema the output must follow, if any
 */
public record GenerateOptions(int maxTokens, SamplerSettings sampler, List<String> stop, Optional<Constraint> constraint) {

    /** The default token limit. */
    public static final int DEFAULT_MAX_TOKENS = 256;

    /** The defaults: llama.cpp's sampler, at most {@value #DEFAULT_MAX_TOKENS} tokens, no stop strings. */
    public static final GenerateOptions DEFAULTS = new GenerateOptions(DEFAULT_MAX_TOKENS, SamplerSettings.DEFAULTS,
            List.of(), Optional.empty());

    public GenerateOptions {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, got " + maxTokens);
        }
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(constraint, "constraint");
        stop = List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be empty");
            }
        }
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Named setters over {@link GenerateOptions}; each checks its value when {@link #build()} runs. */
    public static final class Builder {
        private int maxTokens;
        private SamplerSettings sampler;
        private List<String> stop;
        private Optional<Constraint> constraint;

        private Builder(GenerateOptions from) {
            maxTokens = from.maxTokens;
            sampler = from.sampler;
            stop = from.stop;
            constraint = from.constraint;
        }

        /** Most tokens to generate. */
        public Builder maxTokens(int n) {
            maxTokens = n;
            return this;
        }

        /** Softmax temperature; 0 = greedy (always the most likely token). */
        public Builder temperature(double t) {
            sampler = sampler.withTemperature((float) t);
            return this;
        }

        /** Keep the k most likely tokens; 0 = all. */
        public Builder topK(int k) {
            sampler = sampler.withTopK(k);
            return this;
        }

        /** Nucleus sampling threshold; 1 = off. */
        public Builder topP(double p) {
            sampler = sampler.withTopP((float) p);
            return this;
        }

        /** Keep tokens with at least this fraction of the best one's probability; 0 = off. */
        public Builder minP(double p) {
            sampler = sampler.withMinP((float) p);
            return this;
        }

        /** Divide the logits of the last {@code lastN} tokens by {@code penalty} (1 = off; lastN -1 = all). */
        public Builder repeatPenalty(double penalty, int lastN) {
            sampler = sampler.withPenalties((float) penalty, lastN, sampler.frequencyPenalty(), sampler.presencePenalty());
            return this;
        }

        /** Random seed: the same seed, prompt and options give the same text. */
        public Builder seed(long seed) {
            sampler = sampler.withSeed(seed);
            return this;
        }

        /** All sampler settings at once (see {@link SamplerSettings}). */
        public Builder sampler(SamplerSettings s) {
            sampler = Objects.requireNonNull(s, "sampler");
            return this;
        }

        /** Stop strings (replacing any set before). */
        public Builder stop(String... strings) {
            return stop(Arrays.asList(strings));
        }

        /** Stop strings (replacing any set before). */
        public Builder stop(List<String> strings) {
            stop = List.copyOf(strings);
            return this;
        }

        /** Output that follows this GBNF grammar (start rule {@code root}). */
        public Builder grammar(String gbnf) {
            return constraint(new Constraint.Gbnf(gbnf));
        }

        /** Output that is a JSON instance of this JSON Schema (given as JSON text). */
        public Builder jsonSchema(String schema) {
            return constraint(new Constraint.JsonSchema(schema));
        }

        /** Output that follows this constraint (null: none). */
        public Builder constraint(Constraint c) {
            constraint = Optional.ofNullable(c);
            return this;
        }

        /** The options. */
        public GenerateOptions build() {
            return new GenerateOptions(maxTokens, sampler, stop, constraint);
        }
    }
}
