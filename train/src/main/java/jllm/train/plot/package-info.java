/** Pictures of training: one hand-drawn SVG line chart ({@link jllm.train.plot.Chart}) that every plot shares. */
package jllm.train.plot;
