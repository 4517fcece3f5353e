package jllm.compress;

/**
 * A model that advances several independent sequences ("lanes") by one token per call: what
 * {@link ModelPredictor} drives. Lane states live inside; {@link #reset(int, int)} starts them all empty.
 */
public interface LockstepModel {

    /** Logits per step row: the tokens the model scores (at least the tokenizer's vocabulary). */
    int vocabSize();

    /** Longest sequence a lane can hold. */
    int contextLength();

    /** Empties lanes {@code 0..lanes-1}, each to hold at most {@code maxTokens} tokens. */
    void reset(int lanes, int maxTokens);

    /**
     * Appends {@code tokens[a]} to lane {@code lanes[a]} (distinct lanes, ascending) and returns the
     * next-token logits of each, {@code (lanes.length, vocabSize)} row-major. The array may be reused
     * by the next call.
     */
    float[] step(int[] lanes, int[] tokens);
}
