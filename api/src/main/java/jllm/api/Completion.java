package jllm.api;

import jllm.generate.Generator;

/**
 * What one generation produced.
 *
 * @param text            the generated text (without a stop string that ended it)
 * @param finishReason    why it ended: a stop (end-of-generation token, stop string, a complete
 *                        constrained output), the token limit, the end of the context, or cancellation
 * @param promptTokens    the prompt's length in tokens
 * @param generatedTokens tokens generated
 */
public record Completion(String text, Generator.FinishReason finishReason, int promptTokens, int generatedTokens) {
}
