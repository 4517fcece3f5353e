/** The olmo2 architecture (OLMo 2): norms after attention and feed-forward, q/k norm over whole projections. */
package jllm.model.olmo2;
