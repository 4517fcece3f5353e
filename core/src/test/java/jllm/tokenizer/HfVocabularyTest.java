package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import jllm.testing.SharedData;
import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufMetadata;
import jllm.format.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A folder's tokenizer.json written as GGUF tokenizer keys ({@link HfVocabulary}) and read back
 * ({@link Tokenizers#fromGguf}) tokenizes exactly as the folder's tokenizer does, and carries the
 * pre-tokenizer name llama.cpp's converter gives it.
 */
class HfVocabularyTest {
    private static final Pattern COMBINING_MARK = Pattern.compile("\\p{M}");

    /** llama.cpp's 46 tokenizer test strings, its check text, chat markup and a plain story. */
    static List<String> texts() throws IOException {
        String inp = Files.readString(SharedData.require("data/tokenizers/golden-strings.inp"));
        List<String> texts = new ArrayList<>(Arrays.asList(inp.split(Vectors.SEPARATOR, -1)));
        if (inp.endsWith(Vectors.SEPARATOR)) {
            texts.remove(texts.size() - 1);
        }
        texts.add(PreTokenizerNames.CHECK_TEXT);
        texts.add("<|im_start|>user\nHello there!<|im_end|>\n<|im_start|>assistant\n<|begin_of_text|>Hi.<|endoftext|>");
        texts.add(Files.readString(SharedData.require("data/tokenizers/bpe-training-fixtures/tinystories_sample.txt")));
        return texts;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // folder, the name llama.cpp's converter (34af94cd9) writes; it knows no hash for the tiny shared tokenizer
        "testdata/hf-models/tokenizer, gpt-2",
        "data/tokenizers/llama3, llama-bpe",
        "data/tokenizers/qwen3, qwen2",
        "data/tokenizers/cl100k, dbrx",
        "data/tokenizers/o200k, gpt-4o"})
    void ggufKeysTokenizeAsTheFolder(String folder, String pre) throws IOException {
        Path dir = SharedData.require(folder);
        GgufMetadata keys = HfVocabulary.read(dir).keys();
        assertThat(keys.string("tokenizer.ggml.model")).contains("gpt2");
        assertThat(keys.string("tokenizer.ggml.pre")).as("pre").contains(pre);
        Tokenizer gguf = Tokenizers.fromGguf(keys);
        Tokenizer hf = Tokenizers.fromHuggingFace(dir.resolve("tokenizer.json"), Optional.of(dir.resolve("tokenizer_config.json")));
        assertThat(gguf.vocabulary().size()).isEqualTo(hf.vocabulary().size());
        assertThat(gguf.vocabulary().addBos()).as("add BOS").isEqualTo(hf.vocabulary().addBos());
        int checked = 0;
        List<String> bad = new ArrayList<>();
        for (String s : texts()) {
            if (pre.equals("gpt-4o") && COMBINING_MARK.matcher(s).find()) {
                // llama.cpp's "gpt-4o" split (which jllm's GGUF loader reads as llama.cpp does) approximates
                // tokenizer.json's regex without its \p{M}: a letter's combining marks split off (Khmer vowel signs)
                continue;
            }
            for (boolean parseSpecial : new boolean[] {false, true}) {
                int[] want = hf.encode(s, true, parseSpecial);
                int[] got = gguf.encode(s, true, parseSpecial);
                if (!Arrays.equals(got, want)) {
                    bad.add(parseSpecial + " " + Vectors.quote(s) + " want " + Arrays.toString(want) + " got " + Arrays.toString(got));
                }
                assertThat(gguf.decode(want, true)).isEqualTo(hf.decode(want, true));
                checked++;
            }
        }
        System.out.printf("%s: pre %s, %d tokens, %d of %d encodings equal%n", folder, pre, gguf.vocabulary().size(),
                checked - bad.size(), checked);
        assertThat(bad).isEmpty();
    }

    @Test
    void sharedTokenizerKeysAreTheConvertersOwn() {
        Path dir = SharedData.require("testdata/hf-models/llama-base");
        GgufMetadata keys = HfVocabulary.read(dir).keys();
        // the keys and order llama.cpp's converter wrote for this folder (with its unknown pre named gpt-2)
        assertThat(keys.keys()).containsExactly("tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens",
                "tokenizer.ggml.token_type", "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id",
                "tokenizer.ggml.eos_token_id", "tokenizer.ggml.padding_token_id", "tokenizer.ggml.add_bos_token",
                "tokenizer.ggml.add_eos_token", "tokenizer.chat_template");
        assertThat(keys.integer("tokenizer.ggml.bos_token_id")).hasValue(0);
        assertThat(keys.integer("tokenizer.ggml.eos_token_id")).hasValue(2);
        assertThat(keys.integer("tokenizer.ggml.padding_token_id")).hasValue(0);
        assertThat(keys.stringArray("tokenizer.ggml.tokens").orElseThrow()).hasSize(512).startsWith("<|endoftext|>");
        assertThat(keys.stringArray("tokenizer.ggml.merges").orElseThrow()).hasSize(253).startsWith("h e", "Ġ t");
    }

    @Test
    void paddedToConfigVocabSize(@TempDir Path tmp) throws IOException {
        Path dir = SharedData.require("testdata/hf-models/tokenizer");
        Files.copy(dir.resolve("tokenizer.json"), tmp.resolve("tokenizer.json"));
        Files.writeString(tmp.resolve("config.json"), "{\"vocab_size\": 520, \"eos_token_id\": 1}");
        GgufMetadata keys = HfVocabulary.read(tmp).keys();
        List<String> tokens = keys.stringArray("tokenizer.ggml.tokens").orElseThrow();
        assertThat(tokens).hasSize(520).endsWith("[PAD519]");
        assertThat(keys.integerArray("tokenizer.ggml.token_type").orElseThrow()[519]).isEqualTo(TokenType.UNUSED.ggufId());
        assertThat(keys.integer("tokenizer.ggml.eos_token_id")).hasValue(1);
        assertThat(keys.has("tokenizer.chat_template")).as("no tokenizer_config.json, no template").isFalse();
    }

    @ParameterizedTest
    @CsvSource({"data/tokenizers/mistral", "data/tokenizers/gemma3"})
    void sentencePieceStyleIsRefusedInOneLine(String folder) {
        Path dir = SharedData.require(folder);
        assertThatThrownBy(() -> HfVocabulary.read(dir).keys()).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("byte-level BPE tokenizers only").hasMessageNotContaining("\n");
    }

    @Test
    void unknownPreTokenizerIsRefused(@TempDir Path tmp) throws IOException {
        StringBuilder vocab = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            vocab.append(b == 0 ? "" : ", ").append(Json.quote(String.valueOf(ByteLevel.charOf(b)))).append(": ").append(b);
        }
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {" + vocab
                + "}, \"merges\": []}, \"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": ["
                + "{\"type\": \"Split\", \"pattern\": {\"Regex\": \"[a-z]+\"}, \"behavior\": \"Isolated\", \"invert\": false},"
                + "{\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"use_regex\": false}]}}");
        assertThatThrownBy(() -> HfVocabulary.read(tmp).keys()).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("pre_tokenizer").hasMessageContaining("not one llama.cpp knows")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> HfVocabulary.read(tmp.resolve("nothing"))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tokenizer.json");
    }
}
