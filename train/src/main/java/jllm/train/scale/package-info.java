/**
 * Scaling laws: a sweep of small llama models over parameters N and tokens D ({@link jllm.train.scale.Sweep}),
 * Chinchilla's L(N, D) = E + A/N^alpha + B/D^beta fitted by Huber loss on log loss with bootstrap intervals
 * ({@link jllm.train.scale.ScalingFit}), the simpler power laws ({@link jllm.train.scale.PowerLaw}), and the
 * pictures of it all.
 */
package jllm.train.scale;
