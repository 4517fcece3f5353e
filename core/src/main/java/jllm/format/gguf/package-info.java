/** GGUF (llama.cpp's model format): a memory-mapped, bounds-checked reader and a writer. */
package jllm.format.gguf;
