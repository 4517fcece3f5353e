/**
 * The gemma3 architecture (Gemma 3 text, Hugging Face {@code gemma3_text}): Gemma 2's sandwich of norms
 * with q/k norms, local and global layers with a rope base each, and linear rope scaling on the global ones.
 */
package jllm.model.gemma3;
