/** The qwen3moe architecture (Qwen3 mixtures of experts): qwen3's attention, experts in place of the MLP. */
package jllm.model.qwen3moe;
