/**
 * The gpt-oss architecture (OpenAI's gpt-oss-20b and -120b): attention with biases and per-head sinks,
 * a sliding window on alternate layers, YaRN rope, and routed experts with biases and a clamped SwiGLU.
 */
package jllm.model.gptoss;
