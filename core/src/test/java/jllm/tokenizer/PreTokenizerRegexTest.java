package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufValueType;
import jllm.format.json.Json;

/**
 * Every {@code tokenizer.ggml.pre} name jllm reads compiles and splits text as the reference does,
 * on text beyond the Basic Multilingual Plane: Deseret (U+10400), emoji with ZWJ and skin tones, CJK
 * extension B, mathematical digits and letters, Adlam, and the six Greek/letterlike characters whose
 * canonical equivalents once broke DeepSeek's letter class.
 *
 * <p>The expected splits ({@code pretokenizer-splits.json}, written once, not edited) were made with
 * Hugging Face {@code tokenizers} 0.23.2: for each family, {@code pre_tokenizers.Sequence} of
 * {@code Split(Regex(r), "isolated")} over llama.cpp's regex list for that family (llama-vocab.cpp at
 * 34af94cd9, {@code llm_tokenizer_bpe}), {@code pre_tokenize_str(input)}. llama.cpp's own
 * {@code unicode_regex_split} (same commit, compiled on its own) gives the same pieces for every family
 * and input but two: in deepseek-llm and deepseek-coder it keeps the ideographic space U+3000 out of
 * the literal classes that list it (it replaces non-ASCII white space by U+000B before matching), so
 * it splits {@code "\u3000\u3002"} where Hugging Face, the tokenizer these models were trained with,
 * keeps it whole; jllm follows Hugging Face. Each family lists the names jllm reads that llama.cpp gives
 * the same regex list, {@code ignore_merges} and {@code add_bos}.
 */
class PreTokenizerRegexTest {
    private static final Map<String, Object> ORACLE = oracle();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> oracle() {
        try (InputStream in = PreTokenizerRegexTest.class.getResourceAsStream("pretokenizer-splits.json")) {
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8), "pretokenizer-splits.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> inputs() {
        return (List<String>) (List<?>) ORACLE.get("inputs");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> families() {
        return (List<Map<String, Object>>) (List<?>) ORACLE.get("families");
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Map<String, Object> family) {
        return (List<String>) (List<?>) family.get("names");
    }

    /** name -> expected splits of every input. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<List<String>>> expectedByName() {
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        for (Map<String, Object> family : families()) {
            for (String name : names(family)) {
                out.put(name, (List<List<String>>) family.get("splits"));
            }
        }
        return out;
    }

    static Stream<String> everyName() {
        return GgufVocabLoader.BpePre.BY_NAME.keySet().stream();
    }

    @Test
    void theOracleCoversEveryNameJllmReads() {
        assertThat(expectedByName().keySet()).containsExactlyInAnyOrderElementsOf(GgufVocabLoader.BpePre.BY_NAME.keySet());
        assertThat(inputs()).allMatch(s -> s.codePoints().anyMatch(Character::isSupplementaryCodePoint));
    }

    @ParameterizedTest
    @MethodSource("everyName")
    void compilesAndSplitsAsTheReference(String name) {
        PreTokenizer pre = GgufVocabLoader.BpePre.lookup(name).preTokenizer();
        List<List<String>> expected = expectedByName().get(name);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < inputs().size(); i++) {
            List<String> got = pre.split(List.of(inputs().get(i)));
            if (!got.equals(expected.get(i))) {
                mismatches.add("input " + i + ": expected " + show(expected.get(i)) + " but got " + show(got));
            }
        }
        assertThat(mismatches).as(name).isEmpty();
    }

    @Test
    void namesLlamaCppGroupsShareOneFamilyWithItsMergeAndBosPolicy() {
        for (Map<String, Object> family : families()) {
            List<GgufVocabLoader.BpePre> found = names(family).stream().map(GgufVocabLoader.BpePre::lookup).distinct().toList();
            assertThat(found).as(names(family).toString()).hasSize(1);
            assertThat(found.getFirst().ignoreMerges()).as(names(family) + " ignore_merges").isEqualTo(family.get("ignore_merges"));
            assertThat(found.getFirst().addBos()).as(names(family) + " add_bos").isEqualTo(family.get("add_bos"));
        }
    }

    /**
     * A vocabulary-only GGUF with each name (GPT-2's vocabulary and merges, pre-tokenizer replaced)
     * loads (its regexes compile, as {@code jllm tokenize} needs) and encodes llama.cpp's 46 tokenizer test
     * strings and the inputs above losslessly.
     */
    @ParameterizedTest
    @MethodSource("everyName")
    void aVocabularyWithThisNameEncodesEveryInput(String name) {
        Map<String, GgufValue> m = new LinkedHashMap<>(gpt2().asMap());
        m.put("tokenizer.ggml.pre", new GgufValue(GgufValueType.STRING, name));
        Tokenizer tok = Tokenizers.fromGguf(new GgufMetadata("test.gguf", m));
        var dir = SharedData.require("testdata/tokenizer");
        List<String> texts = new ArrayList<>(Vectors.read(dir.resolve("ggml-vocab-gpt-2.gguf.inp"),
                dir.resolve("ggml-vocab-gpt-2.gguf.out")).inputs());
        texts.addAll(inputs());
        for (String s : texts) {
            int[] ids = tok.encode(s, false, false);
            assertThat(tok.decode(ids, false)).as(name + ": " + s).isEqualTo(s);
        }
    }

    private static GgufMetadata gpt2;

    private static synchronized GgufMetadata gpt2() {
        if (gpt2 == null) {
            try (GgufFile f = GgufFile.open(SharedData.require("testdata/tokenizer/ggml-vocab-gpt-2.gguf"))) {
                gpt2 = f.metadata();
            }
        }
        return gpt2;
    }

    private static String show(List<String> pieces) {
        StringBuilder sb = new StringBuilder("[");
        for (String p : pieces) {
            sb.append(sb.length() > 1 ? ", " : "").append(Json.quote(p));
        }
        return sb.append(']').toString();
    }
}
