package jllm.train;

import java.nio.file.Path;
import java.util.List;

import jllm.tensor.GgmlType;
import jllm.train.task.Arithmetic;

/**
 * Group Relative Policy Optimization settings, on the arithmetic task.
 *
 * @param policyModel     the GGUF to tune (an SFT model answering with worked solutions); also the frozen reference
 * @param outDir          where model.gguf, checkpoint.bin, loss.csv/svg and reward.csv/svg go
 * @param ops             operations of the training problems
 * @param minDigits       fewest digits of a training problem's operands
 * @param maxDigits       most digits
 * @param steps           optimizer steps (each on freshly sampled groups)
 * @param prompts         questions per step
 * @param group           G: replies sampled per question
 * @param updates         μ: optimizer steps on each batch of samples (the policy ratio moves from 1 after the first)
 * @param clip            ε of the clipped policy ratio
 * @param beta            β: weight of the KL penalty to the reference
 * @param temperature     sampling temperature (1 = the policy's own distribution, all tokens allowed)
 * @param maxTokens       most tokens per sampled reply
 * @param schedule        learning rate per step (resolved against steps × updates)
 * @param adamW           optimizer
 * @param gradClip        maximum gradient norm
 * @param evalEvery       held-out accuracy every this many steps (0 = before and after only)
 * @param evalPerCell     held-out questions per operation and digit count (greedy answers)
 * @param checkpointEvery write checkpoint.bin every this many steps (0 = at the end only)
 * @param resume          continue from outDir/checkpoint.bin when it exists (questions and samples of step s
 *                        depend only on the seed and s, so the continued run takes the steps the first would have)
 * @param seed            seed of the questions and samples
 * @param threads         threads of training and sampling
 * @param endOfTurn       the token text ending a reply
 * @param outputType      matrices' storage type in the output GGUF
 * @param name            {@code general.name}
 */
public record GrpoConfig(Path policyModel, Path outDir, List<Arithmetic.Op> ops, int minDigits, int maxDigits, int steps,
                         int prompts, int group, int updates, double clip, double beta, float temperature, int maxTokens,
                         LrSchedule schedule, AdamW.Settings adamW, float gradClip, int evalEvery, int evalPerCell,
                         int checkpointEvery, boolean resume, long seed, int threads, String endOfTurn, GgmlType outputType, String name) {
    public GrpoConfig {
        ops = List.copyOf(ops);
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("give at least one operation");
        }
        if (minDigits < Arithmetic.MIN_DIGITS || maxDigits > Arithmetic.MAX_DIGITS || minDigits > maxDigits) {
            throw new IllegalArgumentException("digits must be a range within " + Arithmetic.MIN_DIGITS + "-" + Arithmetic.MAX_DIGITS
                    + ", got " + minDigits + "-" + maxDigits);
        }
        if (steps < 1 || prompts < 1 || updates < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("steps, prompts, updates and max tokens must be at least 1");
        }
        if (group < 2) {
            throw new IllegalArgumentException("a group needs at least 2 samples to compare, got " + group);
        }
        if (!(clip > 0) || !(beta >= 0)) {
            throw new IllegalArgumentException("clip must be positive and beta not negative, got " + clip + " and " + beta);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("GRPO samples from the policy: the temperature must be positive, got " + temperature);
        }
        if (evalPerCell < 0 || evalEvery < 0 || checkpointEvery < 0) {
            throw new IllegalArgumentException("eval and checkpoint settings must not be negative");
        }
    }
}
