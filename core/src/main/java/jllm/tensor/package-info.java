/**
 * Tensor storage types ({@link jllm.tensor.GgmlType}), shapes and views over memory-mapped data.
 * Nothing here computes; kernels do.
 */
package jllm.tensor;
