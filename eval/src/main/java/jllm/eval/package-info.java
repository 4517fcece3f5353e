/** Evaluation: perplexity as llama.cpp computes it; the arena is in {@code jllm.eval.arena}. */
package jllm.eval;
