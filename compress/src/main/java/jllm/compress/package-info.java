/**
 * Lossless compression driven by a language model (as Bellard's ts_zip and nncp do): the model's
 * next-token probabilities, made into integer frequencies ({@link jllm.compress.TokenFrequencies}),
 * drive a range coder ({@link jllm.compress.coder}). {@link jllm.compress.Segmenter} splits any file into
 * tokenizer-safe text and raw bytes; {@link jllm.compress.JzHeader} is the container;
 * {@link jllm.compress.ModelPredictor} runs the model in lockstep over chunks; {@link jllm.compress.Jz}
 * ties them together.
 */
package jllm.compress;
