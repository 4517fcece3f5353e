/**
 * The guard: a prompt-injection and jailbreak classifier trained by jllm ({@link jllm.train.guard.GuardModel}:
 * a llama transformer, mean-pooled, with a 2-way head), its data split by source
 * ({@link jllm.train.guard.GuardData}), training ({@link jllm.train.guard.GuardTrainer}) and metrics.
 */
package jllm.train.guard;
