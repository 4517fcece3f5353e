/**
 * The building blocks of transformer forward passes, written plainly: RMSNorm, RoPE, attention,
 * SwiGLU, softmax. Architectures compose them; each follows ggml's arithmetic where that decides the
 * last bits (accumulation in double, float theta progression).
 */
package jllm.model.blocks;
