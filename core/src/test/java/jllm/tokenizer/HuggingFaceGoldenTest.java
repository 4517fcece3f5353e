package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jllm.testing.SharedData;

/**
 * Hugging Face tokenizer.json files of real families against their golden ids
 * (shared/data/tokenizers/*&#47;golden-ids.out; gemma3 has its own golden-strings.inp).
 */
class HuggingFaceGoldenTest {

    static Tokenizer load(String family) {
        Path dir = SharedData.require("data/tokenizers/" + family);
        long t0 = System.nanoTime();
        Tokenizer tok = Tokenizers.fromHuggingFace(dir.resolve("tokenizer.json"),
                Optional.of(dir.resolve("tokenizer_config.json")));
        System.out.printf("hf %s: loaded %d tokens in %d ms%n", family, tok.vocabulary().size(),
                (System.nanoTime() - t0) / 1_000_000);
        return tok;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cl100k", "o200k", "mistral", "gemma3"})
    void encodesEveryGolden(String family) {
        Path dir = SharedData.require("data/tokenizers/" + family);
        Path inp = Files.exists(dir.resolve("golden-strings.inp")) ? dir.resolve("golden-strings.inp")
                : dir.resolveSibling("golden-strings.inp");
        Vectors v = Vectors.read(inp, dir.resolve("golden-ids.out"));
        Tokenizer tok = load(family);
        List<String> bad = v.mismatches(tok);
        System.out.printf("hf %s: %d/%d goldens pass%n", family, v.inputs().size() - bad.size(), v.inputs().size());
        assertThat(bad).as(family).isEmpty();
        for (String s : v.inputs()) {
            assertThat(tok.decode(tok.encode(s, false, false), false)).as(family + " round trip").isEqualTo(s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3"})
    void qwen3MatchesQwen2Vectors(String family) {
        Path dir = SharedData.require("testdata/tokenizer");
        Vectors v = Vectors.read(dir.resolve("ggml-vocab-qwen2.gguf.inp"), dir.resolve("ggml-vocab-qwen2.gguf.out"));
        Tokenizer tok = load(family);
        List<String> bad = v.mismatches(tok);
        System.out.printf("hf %s vs qwen2 vectors: %d/%d pass%n", family, v.inputs().size() - bad.size(),
                v.inputs().size());
        assertThat(bad).isEmpty();
    }
}
