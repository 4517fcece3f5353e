/**
 * Training: the llama forward/backward pass ({@link jllm.train.TrainableLlama}) over named GGUF-shaped
 * parameters ({@link jllm.train.LlamaParams}), AdamW with warmup + cosine schedule and gradient clipping,
 * and the training loops. Depends on core's model (configs, tensor names) and dense kernels.
 */
package jllm.train;
