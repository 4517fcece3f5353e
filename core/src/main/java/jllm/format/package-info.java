/**
 * Model file formats: GGUF ({@code gguf}), Hugging Face safetensors folders ({@code safetensors}) and
 * llama2.c checkpoints ({@code llama2c}). Every reader checks each count, length and offset against the
 * bytes that exist before it allocates or maps anything, and reports problems as
 * {@link jllm.format.ModelFormatException}.
 */
package jllm.format;
