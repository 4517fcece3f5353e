/**
 * Kernels: the matrix-vector products model code calls ({@link jllm.kernel.Kernels}), and the one
 * driver that owns row partitioning, threading (a persistent worker pool) and the preparation of
 * activations; {@link jllm.kernel.Quantizer} and {@link jllm.kernel.QuantMix} for writing quantized
 * files. The reference codecs live in {@code jllm.kernel.scalar}; SIMD fast paths in
 * {@code jllm.kernel.vector}, the only package that imports {@code jdk.incubator.vector}.
 */
package jllm.kernel;
