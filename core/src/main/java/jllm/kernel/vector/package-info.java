/**
 * SIMD fast paths (the only package importing {@code jdk.incubator.vector}): one
 * {@link jllm.kernel.scalar.RowDot} per weight type (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0,
 * Q5_1, IQ4_NL, MXFP4, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K), registered in {@link jllm.kernel.vector.VectorDots}. Weights are read straight from their
 * memory segment, little-endian, at any alignment.
 */
package jllm.kernel.vector;
