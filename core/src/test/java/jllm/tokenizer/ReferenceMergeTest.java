package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;

/**
 * The heap-based merge loops against plain readable references (llama2.c's "find the best pair,
 * merge it, repeat"), on every word of a real English corpus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceMergeTest {
    private String corpus;
    private Tokenizer spm;
    private BpeTokenizer qwen2;

    @BeforeAll
    void load() throws Exception {
        corpus = Files.readString(SharedData.require("data/tokenizers/bpe-training-fixtures/corpus.en"))
                .substring(0, 20_000);
        try (GgufFile f = GgufFile.open(SharedData.require("testdata/tokenizer/ggml-vocab-llama-spm.gguf"))) {
            spm = Tokenizers.fromGguf(f.metadata());
        }
        try (GgufFile f = GgufFile.open(SharedData.require("testdata/tokenizer/ggml-vocab-qwen2.gguf"))) {
            qwen2 = (BpeTokenizer) Tokenizers.fromGguf(f.metadata());
        }
    }

    /** llama2.c's encode: merge the best-scoring adjacent pair (leftmost on ties) until none is a token. */
    private static List<Integer> referenceSpm(Vocabulary v, String text) {
        String s = (" " + text).replace(' ', '\u2581');
        List<String> pieces = new ArrayList<>();
        s.codePoints().forEach(cp -> pieces.add(new String(Character.toChars(cp))));
        while (true) {
            float best = Float.NEGATIVE_INFINITY;
            int at = -1;
            for (int i = 0; i + 1 < pieces.size(); i++) {
                var id = v.id(pieces.get(i) + pieces.get(i + 1));
                if (id.isPresent() && v.score(id.getAsInt()) > best) {
                    best = v.score(id.getAsInt());
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            pieces.set(at, pieces.get(at) + pieces.remove(at + 1));
        }
        List<Integer> ids = new ArrayList<>();
        for (String p : pieces) {
            var id = v.id(p);
            if (id.isPresent()) {
                ids.add(id.getAsInt());
            } else {
                for (byte b : p.getBytes(StandardCharsets.UTF_8)) {
                    ids.add(v.id(String.format("<0x%02X>", b)).orElseThrow());
                }
            }
        }
        return ids;
    }

    /** Rank BPE the slow way: apply the lowest-ranked adjacent merge (leftmost on ties) until none applies. */
    private static List<Integer> referenceBpe(Vocabulary v, MergeTable merges, String word) {
        List<Integer> ids = new ArrayList<>();
        word.codePoints().forEach(cp -> ids.add(v.id(new String(Character.toChars(cp))).orElseThrow()));
        while (true) {
            long best = Long.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < ids.size(); i++) {
                long m = merges.get(ids.get(i), ids.get(i + 1));
                if (m >= 0 && (m >>> 32) < best) {
                    best = m >>> 32;
                    at = i;
                }
            }
            if (at < 0) {
                return ids;
            }
            int result = (int) merges.get(ids.get(at), ids.get(at + 1));
            ids.set(at, result);
            ids.remove(at + 1);
        }
    }

    @Test
    void spmMatchesReferenceOnEveryLine() {
        int checked = 0;
        for (String line : corpus.split("\n")) {
            if (line.isBlank() || line.length() > 300) {
                continue;
            }
            List<Integer> got = new ArrayList<>();
            for (int id : spm.encode(line, false, false)) {
                got.add(id);
            }
            assertThat(got).as(line).isEqualTo(referenceSpm(spm.vocabulary(), line));
            checked++;
        }
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void bpeMatchesReferenceOnEveryWord() {
        MergeTable merges = qwen2.merges();
        int checked = 0;
        for (String w : corpus.split("(?<=\\S)(?=\\s)")) {
            String word = ByteLevel.encode(w);
            IntList out = new IntList();
            qwen2.encodeWord(word, out);
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < out.size(); i++) {
                got.add(out.get(i));
            }
            assertThat(got).as(w).isEqualTo(referenceBpe(qwen2.vocabulary(), merges, word));
            checked++;
        }
        assertThat(checked).isGreaterThan(1000);
    }
}
