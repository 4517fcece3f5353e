/**
 * Tokenizers: text to token ids and back, reproducing llama.cpp and Hugging Face tokenizers exactly.
 *
 * <p>Public API: {@link jllm.tokenizer.Tokenizer}, {@link jllm.tokenizer.Vocabulary},
 * {@link jllm.tokenizer.TokenType}, {@link jllm.tokenizer.TokenDecoder}, the factories in
 * {@link jllm.tokenizer.Tokenizers}, GPT-2's byte alphabet {@link jllm.tokenizer.ByteLevel}, and
 * {@link jllm.tokenizer.HfVocabulary}, which writes a tokenizer.json as the GGUF keys llama.cpp's converter
 * writes. The two algorithm families live in one class each and stay
 * package-private: {@code SpmTokenizer} (SentencePiece BPE by scores, llama.cpp {@code llm_tokenizer_spm})
 * and {@code BpeTokenizer} (BPE by merge rank, byte-level or SentencePiece-style). Loaders per file
 * format ({@code GgufVocabLoader}, {@code HuggingFaceLoader}, {@code Llama2cVocabLoader}) parse
 * strings once into a {@link jllm.tokenizer.Vocabulary} and a tokenizer.
 */
package jllm.tokenizer;
