package jllm.train.screen;

/**
 * A document the screen flags.
 *
 * @param document its number in reading order, from 0 over all inputs
 * @param reason   which test flagged it
 * @param detail   why, in words: the earlier document it repeats, the phrase and continuation, the feature
 * @param excerpt  its first characters
 */
public record Suspect(long document, Reason reason, String detail, String excerpt) {

    /** The tests of the screen. */
    public enum Reason {
        /** The same words as an earlier document. */
        EXACT_DUPLICATE,
        /** Nearly the same word 5-shingles as an earlier document (MinHash estimate). */
        NEAR_DUPLICATE,
        /** Holds a phrase that recurs across many documents followed by the same words: a planted trigger. */
        TRIGGER,
        /** Its length or character mix is far from the corpus's. */
        OUTLIER
    }
}
