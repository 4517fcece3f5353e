/**
 * The mamba architecture (Mamba 1 state-space models): no attention; each layer mixes the sequence
 * with a causal convolution and a selective scan whose recurrent state replaces the KV cache.
 */
package jllm.model.mamba;
