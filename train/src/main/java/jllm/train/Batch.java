package jllm.train;

import java.util.Arrays;
import java.util.List;

/**
 * Examples packed into one (batch, seqLen) training batch: inputs, next-token targets and a loss weight
 * per position (0 for positions the loss does not cover and for padding).
 *
 * @param tokens  (batch, seqLen) inputs
 * @param targets (batch, seqLen) next tokens
 * @param trained (batch, seqLen) whether the position's prediction is trained
 */
public record Batch(int batch, int seqLen, int[] tokens, int[] targets, boolean[] trained) {

    /**
     * Packs examples, each truncated to {@code maxLen} tokens; seqLen is the longest input rounded up to a
     * multiple of 8 (at most maxLen - 1); padding repeats {@code pad} and is not trained.
     */
    public static Batch of(List<ChatTokenizer.Example> examples, int maxLen, int pad) {
        int longest = 1;
        for (ChatTokenizer.Example e : examples) {
            longest = Math.max(longest, Math.min(e.tokens().length, maxLen) - 1);
        }
        int seqLen = Math.min(maxLen - 1, (longest + 7) / 8 * 8);
        int b = examples.size();
        int[] tokens = new int[b * seqLen];
        int[] targets = new int[b * seqLen];
        boolean[] trained = new boolean[b * seqLen];
        Arrays.fill(tokens, pad);
        Arrays.fill(targets, pad);
        for (int i = 0; i < b; i++) {
            ChatTokenizer.Example e = examples.get(i);
            int len = Math.min(e.tokens().length, seqLen + 1);
            for (int t = 0; t + 1 < len; t++) {
                tokens[i * seqLen + t] = e.tokens()[t];
                targets[i * seqLen + t] = e.tokens()[t + 1];
                trained[i * seqLen + t] = e.trained()[t + 1];
            }
        }
        return new Batch(b, seqLen, tokens, targets, trained);
    }

    /** Number of trained positions. */
    public int trainedCount() {
        int n = 0;
        for (boolean t : trained) {
            n += t ? 1 : 0;
        }
        return n;
    }

    /** Loss weights: {@code w} at trained positions, 0 elsewhere. */
    public float[] weights(float w) {
        float[] out = new float[trained.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = trained[i] ? w : 0f;
        }
        return out;
    }
}
