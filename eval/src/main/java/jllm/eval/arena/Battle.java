package jllm.eval.arena;

import java.time.Instant;
import java.util.Optional;

/**
 * One stored battle: a prompt, two answers, and the decision once there is one.
 *
 * @param id        the database id
 * @param created   when the battle was created
 * @param prompt    the prompt both models answered
 * @param modelA    the model shown as A
 * @param modelB    the model shown as B
 * @param answerA   A's answer ("" while it is being written)
 * @param answerB   B's answer ("" while it is being written)
 * @param incompleteA whether A's answer was cut short (the client went away, or generation failed)
 * @param incompleteB whether B's answer was cut short
 * @param sampler   the sampler settings both answers used, as JSON
 * @param seed      the sampling seed
 * @param vote      the decision, if one was made
 */
public record Battle(long id, Instant created, String prompt, String modelA, String modelB, String answerA,
                     String answerB, boolean incompleteA, boolean incompleteB, String sampler, long seed,
                     Optional<Vote> vote) {

    /**
     * A decision on a battle.
     *
     * @param outcome what was decided
     * @param judge   who decided: {@code human}, {@code exact}, or a judge model's name
     * @param time    when
     */
    public record Vote(Outcome outcome, String judge, Instant time) {
    }

    /** The battle as a rating input; only for decided battles. */
    public Match match() {
        return new Match(modelA, modelB, vote.orElseThrow(() -> new IllegalStateException("battle " + id + " has no vote")).outcome());
    }
}
