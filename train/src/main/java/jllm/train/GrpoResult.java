package jllm.train;

import java.nio.file.Path;
import java.util.List;

import jllm.train.task.ArithmeticEval;

/**
 * What a GRPO run did.
 *
 * @param gguf          the tuned model
 * @param before        held-out greedy accuracy per cell before training (empty when evalPerCell is 0)
 * @param after         the same after training
 * @param meanRewards   mean reward of each step's samples
 * @param steps         steps this run took (after a resume, those left)
 * @param sampledTokens tokens generated for training
 * @param seconds       wall time
 */
public record GrpoResult(Path gguf, LlamaParams params, List<ArithmeticEval.Cell> before, List<ArithmeticEval.Cell> after,
                         List<Double> meanRewards, int steps, long sampledTokens, double seconds) {
}
