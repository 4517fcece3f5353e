package jllm.generate.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jllm.generate.Generator;
import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.tokenizer.Tokenizer;

/**
 * Samples replies to one prompt from a language model: whole replies ({@link #sample}) and single steps
 * for {@link BeamSearch} ({@link #extend}: generation stops after the first '\n'). One session serves
 * every sample, so the prompt is evaluated once and reused from the KV cache. Sample i of the sampler's
 * life uses seed {@code settings.seed() + i}, so a run is reproducible.
 *
 * <pre>{@code
 * ModelSampler s = new ModelSampler(Session.of(model, 512), tokenizer, promptIds, settings, 128);
 * List<ModelSampler.Sample> replies = s.sample(16);
 * }</pre>
 */
public final class ModelSampler implements StepSampler {
    /**
     * A whole reply.
     *
     * @param text     its text (an end-of-generation token not included)
     * @param ids      the generated token ids (an end-of-generation token not included)
     * @param finished whether it ended by itself (end of generation), not at the token limit
     */
    public record Sample(String text, int[] ids, boolean finished) {
        /** Tokens generated. */
        public int tokens() {
            return ids.length;
        }
    }

    private final Session session;
    private final Tokenizer tokenizer;
    private final int[] prompt;
    private final SamplerSettings settings;
    private final int maxTokens;
    private long drawn;

    /**
     * @param prompt    the prompt's ids (chat template applied, generation prompt included)
     * @param maxTokens most tokens of a whole reply
     */
    public ModelSampler(Session session, Tokenizer tokenizer, int[] prompt, SamplerSettings settings, int maxTokens) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt has no tokens");
        }
        this.session = session;
        this.tokenizer = tokenizer;
        this.prompt = prompt.clone();
        this.settings = settings;
        this.maxTokens = maxTokens;
    }

    /** {@code n} whole replies. */
    public List<Sample> sample(int n) {
        List<Sample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Generator.Result r = Generator.generate(session, tokenizer, prompt, options(maxTokens), t -> { }, () -> false);
            out.add(new Sample(r.text(), r.tokens(), r.finishReason() == Generator.FinishReason.STOP));
        }
        return out;
    }

    @Override
    public List<Step> extend(String partial, int n) {
        int[] done = tokenizer.encode(partial, false, false);
        int[] ids = Arrays.copyOf(prompt, prompt.length + done.length);
        System.arraycopy(done, 0, ids, prompt.length, done.length);
        int budget = maxTokens - done.length;
        List<Step> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (budget <= 0) {
                out.add(new Step("", true, 0));
                continue;
            }
            StringBuilder text = new StringBuilder();
            // ends at the first newline (a cancellation), at end of generation, or at the token limit
            Generator.Result r = Generator.generate(session, tokenizer, ids, options(budget), text::append,
                    () -> text.indexOf("\n") >= 0);
            int nl = text.indexOf("\n");
            boolean stepEnded = r.finishReason() == Generator.FinishReason.CANCELLED && nl >= 0;
            String step = stepEnded ? text.substring(0, nl + 1) : r.text();
            out.add(new Step(step, !stepEnded, r.tokens().length));
        }
        return out;
    }

    private Generator.Options options(int tokens) {
        return new Generator.Options(tokens, settings.withSeed(settings.seed() + drawn++), List.of(), false);
    }
}
