/** Evaluation: perplexity as llama.cpp computes it. */
package jllm.eval;
