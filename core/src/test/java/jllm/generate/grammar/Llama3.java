package jllm.generate.grammar;

import java.nio.file.Path;
import java.util.Optional;

import jllm.testing.SharedData;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Tokenizers;

/** Llama 3's tokenizer (128,256 tokens) from ../shared, loaded once; the caller is skipped without it. */
final class Llama3 {
    private Llama3() {
    }

    private static Tokenizer tok;

    static synchronized Tokenizer tokenizer() {
        Path dir = SharedData.require("data/tokenizers/llama3");
        if (tok == null) {
            tok = Tokenizers.fromHuggingFace(dir.resolve("tokenizer.json"), Optional.of(dir.resolve("tokenizer_config.json")));
        }
        return tok;
    }
}
