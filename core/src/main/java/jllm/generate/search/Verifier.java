package jllm.generate.search;

/**
 * Scores a reply to one question, complete or partial: higher is better. An exact checker (1 when the
 * final answer is right, else 0), a process verifier scoring the steps so far, or a scorer model.
 */
@FunctionalInterface
public interface Verifier {
    /** The score of {@code reply} (the text after the prompt, possibly unfinished). */
    double score(String reply);
}
