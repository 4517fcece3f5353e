package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;

/** llama.cpp's 46 test vectors for each vocab-only GGUF in shared/testdata/tokenizer, exactly. */
class GgufVocabTest {

    static Tokenizer load(String name) {
        Path p = SharedData.require("testdata/tokenizer/ggml-vocab-" + name + ".gguf");
        try (GgufFile f = GgufFile.open(p)) {
            return Tokenizers.fromGguf(f.metadata());
        }
    }

    static Vectors vectors(String name) {
        Path dir = SharedData.require("testdata/tokenizer");
        return Vectors.read(dir.resolve("ggml-vocab-" + name + ".gguf.inp"), dir.resolve("ggml-vocab-" + name + ".gguf.out"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "phi-3", "gpt-2", "qwen2"})
    void encodesEveryVector(String name) {
        Tokenizer tok = load(name);
        Vectors v = vectors(name);
        List<String> bad = v.mismatches(tok);
        System.out.printf("gguf %s: %d/%d vectors pass%n", name, v.inputs().size() - bad.size(), v.inputs().size());
        assertThat(bad).as(name).isEmpty();
        // Round trip: these vocabularies are lossless on this text (byte fallback / byte-level).
        for (String s : v.inputs()) {
            assertThat(tok.decode(tok.encode(s, false, false), false)).as(name + " round trip").isEqualTo(s);
        }
    }
}
