package jllm.eval.arena;

/** Decides an automatic battle. */
public interface Judge {
    /** The name stored with its votes: {@code exact}, or the judge model's name. */
    String name();

    /** Which answer to {@code prompt} is better: A's or B's, or a tie of either kind. */
    Outcome decide(ArenaPrompt prompt, String answerA, String answerB);
}
