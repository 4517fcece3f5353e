package jllm.generate;

/** Keeps the {@code k} most likely tokens; {@code k <= 0} keeps all. */
public record TopK(int k) implements LogitsProcessor {
    @Override
    public void process(Candidates c, TokenHistory history) {
        if (k > 0 && k < c.size) {
            c.truncate(k);
        }
    }
}
