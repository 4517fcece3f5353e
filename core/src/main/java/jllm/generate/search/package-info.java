/**
 * Test-time compute: spending more generation on a question to answer it better. {@link
 * jllm.generate.search.Vote} is self-consistency (majority vote over the final answers of n samples),
 * {@link jllm.generate.search.BestOfN} keeps the sample a {@link jllm.generate.search.Verifier} scores
 * highest, and {@link jllm.generate.search.BeamSearch} searches over partial solutions one step (line)
 * at a time, keeping the verifier's top k. {@link jllm.generate.search.ModelSampler} draws the samples
 * and steps from a language model; the algorithms take any sampler, so they are tested on stubs.
 */
package jllm.generate.search;
