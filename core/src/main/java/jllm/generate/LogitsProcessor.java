package jllm.generate;

/** One step of a sampler chain: reshapes or narrows the candidates, given the tokens so far. */
public interface LogitsProcessor {
    /** Applies this step. {@code history} holds the prompt and generated tokens so far. */
    void process(Candidates candidates, TokenHistory history);
}
