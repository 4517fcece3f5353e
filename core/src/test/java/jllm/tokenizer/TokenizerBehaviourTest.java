package jllm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import jllm.testing.SharedData;
import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufValueType;

/** BOS/EOS policy, special-token parsing, streaming decode and metadata validation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenizerBehaviourTest {
    private GgufMetadata spmMeta;
    private Tokenizer spm;
    private Tokenizer phi3;
    private Tokenizer qwen2;
    private Tokenizer gpt2;

    private static GgufMetadata meta(String name) {
        try (GgufFile f = GgufFile.open(SharedData.require("testdata/tokenizer/ggml-vocab-" + name + ".gguf"))) {
            return f.metadata();
        }
    }

    @BeforeAll
    void load() {
        spmMeta = meta("llama-spm");
        spm = Tokenizers.fromGguf(spmMeta);
        phi3 = Tokenizers.fromGguf(meta("phi-3"));
        qwen2 = Tokenizers.fromGguf(meta("qwen2"));
        gpt2 = Tokenizers.fromGguf(meta("gpt-2"));
    }

    @Test
    void spmAddsBosAndDummyPrefix() {
        assertThat(spm.encode("Hello world")).containsExactly(1, 15043, 3186);
        assertThat(spm.encode("Hello world", false, false)).containsExactly(15043, 3186);
        assertThat(spm.encode(" Hello world", false, false)).containsExactly(29871, 15043, 3186);
        assertThat(spm.encode("", true, false)).containsExactly(1);
        assertThat(spm.encode("", false, false)).isEmpty();
        assertThat(spm.decode(new int[] {1, 15043, 3186}, false)).isEqualTo("Hello world");
        assertThat(spm.decode(new int[] {1, 15043, 3186}, true)).isEqualTo("<s> Hello world");
    }

    @Test
    void bpeAddsNothingByDefault() {
        assertThat(gpt2.encode("Hello world")).containsExactly(15496, 995);
        assertThat(qwen2.encode("Hello world")).containsExactly(9707, 1879);
        assertThat(gpt2.vocabulary().addBos()).isFalse();
    }

    @Test
    void controlTokensAreParsedOnlyWhenAsked() {
        int imStart = qwen2.vocabulary().id("<|im_start|>").orElseThrow();
        int imEnd = qwen2.vocabulary().id("<|im_end|>").orElseThrow();
        int[] parsed = qwen2.encode("<|im_start|>user\nHi<|im_end|>", false, true);
        assertThat(parsed[0]).isEqualTo(imStart);
        assertThat(parsed[parsed.length - 1]).isEqualTo(imEnd);
        int[] literal = qwen2.encode("<|im_start|>user", false, false);
        assertThat(literal).doesNotContain(imStart);
        assertThat(qwen2.decode(literal, false)).isEqualTo("<|im_start|>user");
        // USER_DEFINED tokens are matched even without parseSpecial.
        int toolCall = qwen2.vocabulary().id("<tool_call>").orElseThrow();
        assertThat(qwen2.encode("a<tool_call>b", false, false)).contains(toolCall);
        // SPM: after a special token the dummy prefix comes back.
        assertThat(spm.encode("<s>Hello", false, true)).containsExactly(1, 15043);
    }

    @Test
    void phi3SpecialsSwallowFollowingWhitespace() {
        int user = phi3.vocabulary().id("<|user|>").orElseThrow();
        int[] ids = phi3.encode("<|user|>\nHi", false, true);
        assertThat(ids[0]).isEqualTo(user);
        assertThat(ids).containsExactly(user, phi3.encode("Hi", false, false)[0]);
    }

    @Test
    void endOfGenerationIds() {
        Vocabulary q = qwen2.vocabulary();
        assertThat(q.endOfGeneration()).contains(q.eos(), q.id("<|im_end|>").orElseThrow(),
                q.id("<|endoftext|>").orElseThrow());
        assertThat(q.eot()).hasValue(q.id("<|im_end|>").orElseThrow());
        Vocabulary p = phi3.vocabulary();
        assertThat(p.endOfGeneration()).contains(32000, p.id("<|end|>").orElseThrow());
        assertThat(spm.vocabulary().endOfGeneration()).containsExactly(2);
    }

    /** gpt-oss's harmony: <|end|> closes the reasoning message and the reply goes on; <|return|> and <|call|> end it. */
    @Test
    void harmonyEndsOnReturnAndCallNotEnd() {
        String[] texts = {"a", "<|end|>", "<|return|>", "<|call|>", "<|start|>"};
        TokenType[] types = {TokenType.NORMAL, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL};
        Vocabulary harmony = new Vocabulary(texts, new float[5], types, new Vocabulary.Specials(-1, 2, -1, -1, -1, false, false, null));
        assertThat(harmony.endOfGeneration()).containsExactlyInAnyOrder(2, 3);
        Vocabulary phi = new Vocabulary(new String[] {"a", "<|end|>", "<|endoftext|>"}, new float[3],
                new TokenType[] {TokenType.NORMAL, TokenType.CONTROL, TokenType.CONTROL}, new Vocabulary.Specials(-1, 2, -1, -1, -1, false, false, null));
        assertThat(phi.endOfGeneration()).containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void streamingDecoderHoldsBackIncompleteCharacters() {
        String text = "llama 🦙 and 中文 ok";
        for (Tokenizer tok : List.of(spm, qwen2, gpt2)) {
            int[] ids = tok.encode(text, false, false);
            TokenDecoder d = tok.newDecoder(false);
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                String part = d.next(id);
                assertThat(part).doesNotContain("\uFFFD");
                sb.append(part);
            }
            sb.append(d.finish());
            String expected = tok == spm ? " " + text : text; // streaming keeps SPM's dummy-prefix space
            assertThat(sb.toString()).isEqualTo(expected);
        }
        // The emoji is 4 byte tokens in SPM: nothing comes out until the last one.
        int[] bytes = spm.encode("🦙", false, false);
        TokenDecoder d = spm.newDecoder(false);
        StringBuilder out = new StringBuilder();
        for (int id : bytes) {
            out.append(d.next(id));
        }
        assertThat(out.toString()).isEqualTo(" 🦙");
    }

    @Test
    void invalidUtf8BecomesReplacementCharacter() {
        int b0xf0 = spm.vocabulary().id("<0xF0>").orElseThrow();
        int hello = spm.vocabulary().id("▁Hello").orElseThrow();
        assertThat(spm.decode(new int[] {hello, b0xf0}, false)).isEqualTo("Hello\uFFFD");
        TokenDecoder d = spm.newDecoder(false);
        assertThat(d.next(b0xf0)).isEmpty();
        assertThat(d.finish()).isEqualTo("\uFFFD");
        assertThat(TokenDecoder.completePrefix("a\u00e9".getBytes(StandardCharsets.UTF_8))).isEqualTo(3);
        assertThat(TokenDecoder.completePrefix(new byte[] {'a', (byte) 0xE4, (byte) 0xB8})).isEqualTo(1);
    }

    @Test
    void tokenBytesHidesControlTokensUnlessSpecial() {
        assertThat(spm.tokenBytes(1, false)).isEmpty();
        assertThat(new String(spm.tokenBytes(1, true), StandardCharsets.UTF_8)).isEqualTo("<s>");
        assertThat(spm.tokenBytes(spm.vocabulary().id("<0x0A>").orElseThrow(), false)).containsExactly('\n');
        assertThat(new String(gpt2.tokenBytes(995, false), StandardCharsets.UTF_8)).isEqualTo(" world");
    }

    private GgufMetadata with(String key, GgufValue value) {
        Map<String, GgufValue> m = new LinkedHashMap<>(spmMeta.asMap());
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        return new GgufMetadata("test.gguf", m);
    }

    @Test
    void specialIdOutOfRangeNamesTheKey() {
        assertThatThrownBy(() -> Tokenizers.fromGguf(with("tokenizer.ggml.bos_token_id",
                new GgufValue(GgufValueType.UINT32, 32000L))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("tokenizer.ggml.bos_token_id");
        assertThatThrownBy(() -> Tokenizers.fromGguf(with("tokenizer.ggml.eot_token_id",
                new GgufValue(GgufValueType.INT32, -5L))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("tokenizer.ggml.eot_token_id");
    }

    @Test
    void minusOneMeansAbsent() {
        Tokenizer t = Tokenizers.fromGguf(with("tokenizer.ggml.padding_token_id",
                new GgufValue(GgufValueType.UINT32, 0xFFFFFFFFL)));
        assertThat(t.vocabulary().pad()).isEmpty();
        Tokenizer u = Tokenizers.fromGguf(with("tokenizer.ggml.unknown_token_id",
                new GgufValue(GgufValueType.INT32, -1L)));
        assertThat(u.vocabulary().unk()).isEmpty();
    }

    @Test
    void arrayLengthMismatchIsAnError() {
        GgufValue.GgufArray scores = new GgufValue.GgufArray(GgufValueType.FLOAT32, null, new double[10], null, null, null);
        assertThatThrownBy(() -> Tokenizers.fromGguf(with("tokenizer.ggml.scores",
                new GgufValue(GgufValueType.ARRAY, scores))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("tokenizer.ggml.scores");
        GgufValue.GgufArray types = new GgufValue.GgufArray(GgufValueType.INT32, new long[3], null, null, null, null);
        assertThatThrownBy(() -> Tokenizers.fromGguf(with("tokenizer.ggml.token_type",
                new GgufValue(GgufValueType.ARRAY, types))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("tokenizer.ggml.token_type");
    }

    @Test
    void unsupportedModelIsAClearError() {
        assertThatThrownBy(() -> Tokenizers.fromGguf(with("tokenizer.ggml.model",
                new GgufValue(GgufValueType.STRING, "bert"))))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("'bert' is not supported");
        assertThatThrownBy(() -> Tokenizers.fromGguf(with("tokenizer.ggml.model", null)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("tokenizer.ggml.model");
    }

    @Test
    void addBosKeyAndSpacePrefixKeyAreHonoured() {
        Tokenizer noBos = Tokenizers.fromGguf(with("tokenizer.ggml.add_bos_token", new GgufValue(GgufValueType.BOOL, false)));
        assertThat(noBos.encode("Hello")).containsExactly(15043);
        Tokenizer noPrefix = Tokenizers.fromGguf(with("tokenizer.ggml.add_space_prefix",
                new GgufValue(GgufValueType.BOOL, false)));
        assertThat(noPrefix.encode("Hello", false, false)).isNotEqualTo(new int[] {15043});
        assertThat(noPrefix.decode(noPrefix.encode("Hello", false, false), false)).isEqualTo("Hello");
    }
}
