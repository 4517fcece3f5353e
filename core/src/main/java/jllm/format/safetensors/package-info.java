/**
 * Hugging Face model folders: safetensors files (single or sharded), {@code config.json}, tokenizer
 * file locations, and the mapping of Hugging Face tensor names to GGUF names. PyTorch pickle
 * checkpoints are refused: they can run code when loaded.
 */
package jllm.format.safetensors;
