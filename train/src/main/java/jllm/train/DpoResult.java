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
 * @param valPairs   held-out pairs
 * @param skipped    pairs longer than the context (not used)
 * @param seconds    wall time
 */
public record DpoResult(Path gguf, LlamaParams params, double step0Loss, Dpo.Metrics before, Dpo.Metrics after,
                        List<LossLog.Row> curve, List<ProgressListener.Eval> evals, int steps, int trainPairs,
                        int valPairs, int skipped, double seconds) {
}
