/**
 * JMH benchmarks (not tests): {@link jllm.bench.KernelBench} measures every kernel's GB/s and GFLOP/s.
 * Built into {@code bench/target/benchmarks.jar}; see docs/performance.md.
 */
package jllm.bench;
