package jllm.generate;

import java.util.HashMap;
import java.util.Map;

/**
 * Repetition, frequency and presence penalties over the last {@code lastN} tokens, as llama.cpp's
 * penalties sampler: a seen token's logit is divided by {@code repeat} when positive (multiplied
 * when negative), then reduced by {@code count * frequency + presence}.
 */
public record Penalties(int lastN, float repeat, float frequency, float presence) implements LogitsProcessor {

    /** True when this step changes nothing. */
    public boolean isNoop() {
        return lastN == 0 || (repeat == 1f && frequency == 0f && presence == 0f);
    }

    @Override
    public void process(Candidates c, TokenHistory history) {
        if (isNoop()) {
            return;
        }
        Map<Integer, Integer> counts = new HashMap<>();
        for (int t : history.last(lastN < 0 ? history.size() : lastN)) {
            counts.merge(t, 1, Integer::sum);
        }
        for (int i = 0; i < c.size; i++) {
            Integer n = counts.get(c.ids[i]);
            if (n == null) {
                continue;
            }
            float l = c.logits[i];
            l = l <= 0 ? l * repeat : l / repeat;
            c.logits[i] = l - n * frequency - presence;
        }
        c.sorted = false;
    }
}
