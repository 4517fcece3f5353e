/**
 * Generation: the sampler chain ({@link jllm.generate.LogitsProcessor} steps and a
 * {@link jllm.generate.TokenSelector}), stop conditions, sessions with KV-cache prefix reuse, and the
 * streaming {@link jllm.generate.Generator}.
 */
package jllm.generate;
