package jllm.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What fine-tuning produced.
 *
 * @param gguf            the fine-tuned model (adapters merged)
 * @param params          its weights
 * @param chat            the chat tokenizer (template, vocabulary, end of turn)
 * @param curve           loss per step (mean over assistant tokens)
 * @param evals           held-out losses after each epoch
 * @param valBefore       held-out assistant-token loss of the base model
 * @param valAfter        the same after fine-tuning
 * @param steps           optimizer steps
 * @param trainExamples   training conversations
 * @param valExamples     held-out conversations (0 with a validation fraction of 0: valBefore and valAfter are NaN)
 * @param skipped         conversations not used: no assistant reply, or none within the token limit
 * @param skippedWhy      why, e.g. {@code "3 have no assistant reply within the first 20 tokens"}; "" when none were
 * @param trainableValues values trained (all weights, or the adapters)
 * @param seconds         wall time
 */
public record SftResult(Path gguf, LlamaParams params, ChatTokenizer chat, List<LossLog.Row> curve,
                        List<ProgressListener.Eval> evals, double valBefore, double valAfter, int steps,
                        int trainExamples, int valExamples, int skipped, String skippedWhy, long trainableValues, double seconds) {
}
