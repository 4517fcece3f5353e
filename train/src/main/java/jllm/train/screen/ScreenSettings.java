package jllm.train.screen;

/**
 * What the corpus screen looks for, and how sure it must be.
 *
 * @param nearDuplicate      estimated Jaccard similarity of word 5-shingles above which a document is a
 *                           near duplicate of an earlier one
 * @param triggerMinDocs     the fewest distinct documents a trigger must recur in
 * @param triggerMinShare    ... and at least this share of the (deduplicated) documents
 * @param triggerMaxShare    phrases in more than this share of documents are the corpus's own idiom, not a
 *                           planted trigger
 * @param triggerConsistency the share of a phrase's occurrences followed by the same continuation, and the
 *                           share of that continuation's occurrences that follow the phrase
 * @param continuation       words of continuation compared
 * @param outlierZ           robust z-score (distance from the median in units of 1.4826 MAD) above which a
 *                           document's length or character mix is an outlier
 */
public record ScreenSettings(double nearDuplicate, int triggerMinDocs, double triggerMinShare, double triggerMaxShare,
                             double triggerConsistency, int continuation, double outlierZ) {

    public ScreenSettings {
        if (!(nearDuplicate > 0 && nearDuplicate <= 1) || triggerMinDocs < 2 || !(triggerMinShare >= 0 && triggerMinShare < 1)
                || !(triggerMaxShare > triggerMinShare && triggerMaxShare <= 1) || !(triggerConsistency > 0.5 && triggerConsistency <= 1)
                || continuation < 1 || continuation > 16 || !(outlierZ > 0)) {
            throw new IllegalArgumentException("screen settings out of range: " + ScreenSettings.class.getSimpleName() + this);
        }
    }

    /**
     * Near duplicates at 0.8; a trigger recurs in at least 3 documents and 0.2% of them, at most 5%, with
     * the same next 4 words at least 90% of the time; outliers beyond 8 robust standard deviations.
     */
    public static ScreenSettings defaults() {
        return new ScreenSettings(0.8, 3, 0.002, 0.05, 0.9, 4, 8);
    }
}
