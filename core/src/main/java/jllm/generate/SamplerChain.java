package jllm.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A chain of logits processors ending in a token selector, in llama.cpp's default order:
 * penalties, top-k, top-p, min-p, temperature, then a seeded draw (or argmax at temperature 0).
 *
 * <pre>{@code
 * SamplerChain chain = SamplerChain.of(SamplerSettings.DEFAULTS.withSeed(42));
 * int next = chain.sample(logits, history);
 * }</pre>
 */
public final class SamplerChain {
    private final List<LogitsProcessor> steps;
    private final TokenSelector selector;

    public SamplerChain(List<LogitsProcessor> steps, TokenSelector selector) {
        this.steps = List.copyOf(steps);
        this.selector = selector;
    }

    /** The chain for these settings. */
    public static SamplerChain of(SamplerSettings s) {
        List<LogitsProcessor> steps = new ArrayList<>();
        Penalties p = new Penalties(s.repeatLastN(), s.repeatPenalty(), s.frequencyPenalty(), s.presencePenalty());
        if (!p.isNoop()) {
            steps.add(p);
        }
        if (s.greedy()) {
            return new SamplerChain(steps, TokenSelector.greedy());
        }
        steps.add(new TopK(s.topK()));
        steps.add(new TopP(s.topP()));
        steps.add(new MinP(s.minP()));
        steps.add(new Temperature(s.temperature()));
        return new SamplerChain(steps, TokenSelector.sample(new Random(s.seed())));
    }

    /** This chain with {@code step} run first (a grammar mask, before any truncation). */
    public SamplerChain withFirst(LogitsProcessor step) {
        List<LogitsProcessor> all = new ArrayList<>();
        all.add(step);
        all.addAll(steps);
        return new SamplerChain(all, selector);
    }

    /** Picks the next token from one row of logits. */
    public int sample(float[] logits, TokenHistory history) {
        Candidates c = Candidates.of(logits);
        for (LogitsProcessor step : steps) {
            step.process(c, history);
        }
        return selector.select(c);
    }

    /** The processing steps, in order. */
    public List<LogitsProcessor> steps() {
        return steps;
    }
}
