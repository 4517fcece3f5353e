/**
 * A pure range coder (no model): {@link jllm.compress.coder.RangeEncoder} and
 * {@link jllm.compress.coder.RangeDecoder} over integer frequency tables, plus the small adaptive byte
 * model used for bytes the tokenizer cannot carry.
 */
package jllm.compress.coder;
