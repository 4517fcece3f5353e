package jllm.train;

import java.nio.file.Path;
import java.util.List;

import jllm.train.bpe.BpeVocabulary;

/**
 * What a pretraining run produced.
 *
 * @param gguf        the model file
 * @param params      the trained weights
 * @param vocab       the tokenizer
 * @param curve       the loss curve, one row per step (from the start, across resumes)
 * @param evals       validation losses of this invocation
 * @param valLoss     the validation loss at the end ({@link Trainer#validationLoss}: the last step line's)
 * @param valWindows  how many held-out windows it is the mean over
 * @param startStep   the step this invocation started at (0, or the checkpoint's)
 * @param steps       steps done in total
 * @param trainTokens tokens in the training split
 * @param valTokens   tokens in the validation split
 * @param seconds     wall time of this invocation's training
 */
public record PretrainResult(Path gguf, LlamaParams params, BpeVocabulary vocab, List<LossLog.Row> curve,
                             List<ProgressListener.Eval> evals, double valLoss, long valWindows, int startStep, int steps,
                             long trainTokens, long valTokens, double seconds) {
}
