package jllm.generate;

/** Nucleus sampling: keeps the smallest set of best tokens whose probabilities sum to at least {@code p}. */
public record TopP(float p) implements LogitsProcessor {
    @Override
    public void process(Candidates c, TokenHistory history) {
        if (p >= 1f) {
            return;
        }
        c.sortDescending();
        c.softmax();
        double cum = 0;
        for (int i = 0; i < c.size; i++) {
            cum += c.probs[i];
            if (cum >= p) {
                c.size = i + 1;
                return;
            }
        }
    }
}
