package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jllm.testing.SharedData;

/**
 * Llama 3's tokenizer.json loads and round-trips. Its golden ids are held out (see
 * shared/data/tokenizers/SOURCE.md), so only well-known facts are checked here.
 */
class Llama3SmokeTest {

    @Test
    void loadsAndRoundTrips() throws Exception {
        Path dir = SharedData.require("data/tokenizers/llama3");
        Tokenizer tok = Tokenizers.fromHuggingFace(dir.resolve("tokenizer.json"),
                Optional.of(dir.resolve("tokenizer_config.json")));
        Vocabulary v = tok.vocabulary();
        assertThat(v.size()).isEqualTo(128256);
        assertThat(v.token(v.bos())).isEqualTo("<|begin_of_text|>");
        assertThat(v.endOfGeneration()).contains(v.id("<|eot_id|>").orElseThrow(), v.eos());
        assertThat(tok.encode("Hello world", false, false)).containsExactly(9906, 1917);
        assertThat(tok.encode("<|start_header_id|>user<|end_header_id|>", false, true)).containsExactly(128006, 882, 128007);
        String text = java.nio.file.Files.readString(
                SharedData.require("data/tokenizers/bpe-training-fixtures/tinystories_sample.txt"));
        assertThat(tok.decode(tok.encode(text, false, false), false)).isEqualTo(text);
    }
}
