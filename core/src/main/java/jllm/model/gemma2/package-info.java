/** The gemma2 architecture (Gemma 2): GeGLU, norms around both sublayers, soft-capping, alternating sliding windows. */
package jllm.model.gemma2;
