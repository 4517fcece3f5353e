/** Byte-level BPE: the GPT-2 byte alphabet, and training merges from a corpus. */
package jllm.train.bpe;
