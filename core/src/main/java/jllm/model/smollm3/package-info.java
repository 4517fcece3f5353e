/** The smollm3 architecture (SmolLM3): llama's layer without rope on every fourth layer. */
package jllm.model.smollm3;
