/**
 * Models: the {@link jllm.model.Architecture} SPI, the explicit list {@link jllm.model.Architectures#ALL},
 * the KV cache, and one package per architecture built from {@code blocks}.
 */
package jllm.model;
