/** The qwen2 architecture (Qwen1.5, Qwen2, Qwen2.5). */
package jllm.model.qwen2;
