/**
 * The phi3 architecture (Phi-3, Phi-3.5, Phi-4 and Phi-4-mini): fused qkv and gate_up projections,
 * NEOX rope over part of each head, LongRoPE.
 */
package jllm.model.phi3;
