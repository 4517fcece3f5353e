package jllm.generate;

/** Divides logits by the temperature (above 1 flattens, below 1 sharpens). */
public record Temperature(float t) implements LogitsProcessor {
    public Temperature {
        if (!(t > 0f) || !Float.isFinite(t)) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + t + " (use 0 for greedy)");
        }
    }

    @Override
    public void process(Candidates c, TokenHistory history) {
        for (int i = 0; i < c.size; i++) {
            c.logits[i] /= t;
        }
    }
}
