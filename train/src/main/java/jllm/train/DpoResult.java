package jllm.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What DPO produced.
 *
 * @param gguf       the tuned model
 * @param params     its weights
 * @param step0Loss  the first step's loss (ln 2 when the policy starts as the reference)
 * @param before     held-out metrics before training
 * @param after      held-out metrics after training
 * @param curve      loss per step
 * @param evals      held-out losses after each epoch
 * @param steps      optimizer steps
 * @param trainPairs training pairs
 * @param valPairs   held-out pairs (0 with a validation fraction of 0: the held-out metrics are NaN)
 * @param tooLong    pairs not used: chosen or rejected longer than {@code maxLen} tokens
 * @param emptyReply pairs not used: an empty chosen or rejected reply
 * @param maxLen     the longest sequence (prompt + reply) used, in tokens
 * @param seconds    wall time
 */
public record DpoResult(Path gguf, LlamaParams params, double step0Loss, Dpo.Metrics before, Dpo.Metrics after,
                        List<LossLog.Row> curve, List<ProgressListener.Eval> evals, int steps, int trainPairs,
                        int valPairs, int tooLong, int emptyReply, int maxLen, double seconds) {
}
