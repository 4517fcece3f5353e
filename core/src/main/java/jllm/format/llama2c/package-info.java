/**
 * llama2.c checkpoints ({@code run.c}'s legacy format and {@code export.py}'s "ak42" version 1),
 * memory-mapped and exposed as tensor views with GGUF tensor names. The tokenizer.bin reader lives
 * beside it ({@code Llama2cTokenizerFile}).
 */
package jllm.format.llama2c;
