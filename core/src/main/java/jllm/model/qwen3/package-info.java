/** The qwen3 architecture (Qwen3 dense models): qwen2's layer without biases, with q/k RMSNorm per head. */
package jllm.model.qwen3;
