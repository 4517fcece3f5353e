package jllm.generate;

import java.util.random.RandomGenerator;

/** The last step of a sampler chain: picks one token from the candidates. */
public interface TokenSelector {

    /** Picks a token id. */
    int select(Candidates candidates);

    /** The most likely token; the lowest id among equal logits (as llama.cpp's greedy sampler). */
    static TokenSelector greedy() {
        return c -> {
            int best = 0;
            for (int i = 1; i < c.size; i++) {
                if (c.logits[i] > c.logits[best] || (c.logits[i] == c.logits[best] && c.ids[i] < c.ids[best])) {
                    best = i;
                }
            }
            return c.ids[best];
        };
    }

    /** A draw from the softmax of the candidates with the given random source. */
    static TokenSelector sample(RandomGenerator random) {
        return c -> {
            c.softmax();
            double r = random.nextDouble();
            double cum = 0;
            for (int i = 0; i < c.size; i++) {
                cum += c.probs[i];
                if (r < cum) {
                    return c.ids[i];
                }
            }
            return c.ids[c.size - 1]; // rounding left r just above the total
        };
    }
}
