package jllm.api;

/**
 * One candidate for the next token, with its log-probability under the model's own distribution
 * (before any sampler step).
 *
 * @param id      token id
 * @param text    its text ({@code <0x0A>}-style byte tokens decode to their bytes)
 * @param logprob natural log of its probability
 */
public record NextToken(int id, String text, float logprob) {
}
