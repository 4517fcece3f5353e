package jllm.tokenizer;

import java.nio.file.Path;
import java.util.Optional;

import jllm.format.gguf.GgufMetadata;

/**
 * Builds tokenizers from model files.
 *
 * <pre>{@code
 * Tokenizer a = Tokenizers.fromGguf(gguf.metadata());
 * Tokenizer b = Tokenizers.fromHuggingFace(dir.resolve("tokenizer.json"), Optional.of(dir.resolve("tokenizer_config.json")));
 * Tokenizer c = Tokenizers.fromLlama2c(Path.of("tokenizer.bin"), 32000);
 * }</pre>
 */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * From GGUF metadata: {@code tokenizer.ggml.model} {@code llama} (SentencePiece BPE) or {@code gpt2}
     * (byte-level BPE, pre-tokenizer chosen by {@code tokenizer.ggml.pre}).
     *
     * @throws jllm.format.ModelFormatException for other models, missing or inconsistent keys, or
     *                                          special ids outside the vocabulary
     */
    public static Tokenizer fromGguf(GgufMetadata metadata) {
        return GgufVocabLoader.load(metadata, TokenizerCache.none());
    }

    /**
     * From GGUF metadata, as {@link #fromGguf(GgufMetadata)}, with the tables derived from the vocabulary
     * read from {@code cache} when it holds them for this file, and written there when not.
     */
    public static Tokenizer fromGguf(GgufMetadata metadata, TokenizerCache cache) {
        return GgufVocabLoader.load(metadata, cache);
    }

    /**
     * From a Hugging Face {@code tokenizer.json} with a BPE model (byte-level or SentencePiece-style with
     * byte fallback), plus optionally {@code tokenizer_config.json} for BOS/EOS policy and chat template.
     */
    public static Tokenizer fromHuggingFace(Path tokenizerJson, Optional<Path> tokenizerConfigJson) {
        return HuggingFaceLoader.load(tokenizerJson, tokenizerConfigJson);
    }

    /**
     * From OpenAI's original GPT-2 files {@code encoder.json} and {@code vocab.bpe} (byte-level BPE,
     * GPT-2 split regex; {@code <|endoftext|>} is BOS and EOS, none added).
     */
    public static Tokenizer fromGpt2Files(Path encoderJson, Path vocabBpe) {
        return Gpt2FilesLoader.load(encoderJson, vocabBpe);
    }

    /**
     * From llama2.c's {@code tokenizer.bin} (SentencePiece vocabulary with spaces instead of {@code ▁};
     * BOS id 1, EOS id 2, BOS added, dummy-prefix space).
     *
     * @param vocabSize the number of tokens, from the model checkpoint header
     */
    public static Tokenizer fromLlama2c(Path tokenizerBin, int vocabSize) {
        return Llama2cVocabLoader.load(tokenizerBin, vocabSize);
    }
}
