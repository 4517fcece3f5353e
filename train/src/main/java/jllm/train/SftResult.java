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
 * @param valExamples     held-out conversations
 * @param trainableValues values trained (all weights, or the adapters)
 * @param seconds         wall time
 */
public record SftResult(Path gguf, LlamaParams params, ChatTokenizer chat, List<LossLog.Row> curve,
                        List<ProgressListener.Eval> evals, double valBefore, double valAfter, int steps,
                        int trainExamples, int valExamples, long trainableValues, double seconds) {
}
