package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jllm.testing.SharedData;
import jllm.format.json.Json;

/** GPT-2's original files and llama2.c's tokenizer.bin against the shared oracles. */
class OtherFormatsTest {

    @Test
    void gpt2EncoderJsonMatchesGpt2Vectors() {
        Path dir = SharedData.require("data/tokenizers/gpt2");
        Tokenizer tok = Tokenizers.fromGpt2Files(dir.resolve("encoder.json"), dir.resolve("vocab.bpe"));
        Path t = SharedData.require("testdata/tokenizer");
        Vectors v = Vectors.read(t.resolve("ggml-vocab-gpt-2.gguf.inp"), t.resolve("ggml-vocab-gpt-2.gguf.out"));
        List<String> bad = v.mismatches(tok);
        System.out.printf("gpt2 encoder.json+vocab.bpe: %d/%d vectors pass%n", v.inputs().size() - bad.size(),
                v.inputs().size());
        assertThat(bad).isEmpty();
    }

    @Test
    void llama2TokenizerBinMatchesLlamaSpmVectors() {
        Tokenizer tok = Tokenizers.fromLlama2c(SharedData.require("data/tokenizers/llama2/tokenizer.bin"), 32000);
        Path t = SharedData.require("testdata/tokenizer");
        Vectors v = Vectors.read(t.resolve("ggml-vocab-llama-spm.gguf.inp"), t.resolve("ggml-vocab-llama-spm.gguf.out"));
        List<String> bad = v.mismatches(tok);
        System.out.printf("llama2 tokenizer.bin: %d/%d llama-spm vectors pass%n", v.inputs().size() - bad.size(),
                v.inputs().size());
        assertThat(bad).isEmpty();
        assertThat(tok.vocabulary().bos()).isEqualTo(1);
        assertThat(tok.vocabulary().token(1)).isEqualTo("<s>");
    }

    @Test
    @SuppressWarnings("unchecked")
    void stories260kPromptsMatchLlama2cReference() throws Exception {
        Path dir = SharedData.require("data/models/stories260K");
        Tokenizer tok = Tokenizers.fromLlama2c(dir.resolve("tok512.bin"), 512);
        Map<String, Object> ref = Json.parseObject(Files.readString(dir.resolve("reference.json")), "reference.json");
        int cases = 0;
        for (Object o : (List<Object>) ref.get("prompt_cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            String prompt = (String) c.get("prompt");
            int[] expected = ((List<Object>) c.get("prompt_ids_with_bos")).stream().mapToInt(x -> (int) (long) (Long) x)
                    .toArray();
            assertThat(tok.encode(prompt)).as(prompt).containsExactly(expected);
            int[] greedy = ((List<Object>) c.get("greedy_ids_incl_prompt")).stream().mapToInt(x -> (int) (long) (Long) x)
                    .toArray();
            assertThat(tok.decode(greedy, false)).isEqualTo(c.get("greedy_text"));
            cases++;
        }
        System.out.printf("stories260K tok512.bin: %d/%d prompt cases pass%n", cases, cases);
        assertThat(cases).isEqualTo(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void babyllamaPromptsMatchReference() throws Exception {
        Path dir = SharedData.require("data/models/babyllama-105");
        Tokenizer tok = Tokenizers.fromLlama2c(dir.resolve("tok105.bin"), 105);
        Map<String, Object> ref = Json.parseObject(Files.readString(dir.resolve("reference.json")), "reference.json");
        List<String> bad = new ArrayList<>();
        for (Object o : (List<Object>) ref.get("prompt_cases")) {
            Map<String, Object> c = (Map<String, Object>) o;
            int[] expected = ((List<Object>) c.get("prompt_ids_with_bos")).stream().mapToInt(x -> (int) (long) (Long) x)
                    .toArray();
            int[] got = tok.encode((String) c.get("prompt"));
            if (!java.util.Arrays.equals(expected, got)) {
                bad.add(c.get("prompt") + ": expected " + java.util.Arrays.toString(expected) + " got "
                        + java.util.Arrays.toString(got));
            }
            int[] greedy = ((List<Object>) c.get("greedy_ids_incl_prompt")).stream().mapToInt(x -> (int) (long) (Long) x)
                    .toArray();
            assertThat(tok.decode(greedy, false)).isEqualTo(c.get("greedy_text"));
        }
        assertThat(bad).isEmpty();
    }
}
