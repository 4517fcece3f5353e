package jllm.eval.arena;

/**
 * What ratings need of one decided battle.
 *
 * @param modelA  the model shown as A
 * @param modelB  the model shown as B
 * @param outcome the decision
 */
public record Match(String modelA, String modelB, Outcome outcome) {
    public Match {
        if (modelA.equals(modelB)) {
            throw new IllegalArgumentException("a model cannot battle itself: " + modelA);
        }
    }
}
