package jllm.generate;

/** Keeps tokens whose probability is at least {@code p} times the best token's. */
public record MinP(float p) implements LogitsProcessor {
    @Override
    public void process(Candidates c, TokenHistory history) {
        if (p <= 0f) {
            return;
        }
        c.sortDescending();
        // p_i >= p * p_max  <=>  logit_i >= logit_max + ln p
        float threshold = c.logits[0] + (float) Math.log(p);
        int keep = 1;
        while (keep < c.size && c.logits[keep] >= threshold) {
            keep++;
        }
        c.size = keep;
    }
}
