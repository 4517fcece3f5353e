/**
 * The reference kernels: one {@link jllm.kernel.scalar.BlockCodec} per weight type (decode a block, dot a
 * block, and for the types jllm writes, quantize a block as ggml's {@code quantize_row_*_ref} does, the
 * K-quant scale searches in {@code KQuantFit}), written as plainly as ggml's scalar code, and the
 * activation formats ggml quantizes inputs to before those dots
 * ({@link jllm.kernel.scalar.ActivationFormat}). Every fast path is tested against these. Model code
 * does not use this package; it calls {@link jllm.kernel.Kernels}.
 */
package jllm.kernel.scalar;
