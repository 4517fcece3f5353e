package jllm.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import jllm.format.json.Json;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Tokenizers;

/** The BOS rule and the template variables, with real tokenizers and templates from {@code ../shared}. */
class ChatPromptTest {

    private static Path tokenizerDir(String family) {
        Path dir = TemplateCorpus.folder().getParent().resolve(family);
        assumeTrue(Files.isRegularFile(dir.resolve("tokenizer.json")), () -> "skipped: no tokenizer at " + dir.toAbsolutePath());
        return dir;
    }

    private static Tokenizer tokenizer(Path dir) {
        return Tokenizers.fromHuggingFace(dir.resolve("tokenizer.json"), Optional.of(dir.resolve("tokenizer_config.json")));
    }

    private static Optional<String> template(Path dir) throws IOException {
        Object config = Json.parse(Files.readString(dir.resolve("tokenizer_config.json")), "tokenizer_config.json");
        return Optional.ofNullable((String) ((Map<?, ?>) config).get("chat_template"));
    }

    @Test
    void aTemplateThatWritesBosGetsItOnce() throws IOException {
        Path dir = tokenizerDir("llama3");
        Tokenizer tok = tokenizer(dir);
        ChatPrompt prompt = ChatPrompt.of(template(dir), tok);
        assertThat(prompt.own()).isTrue();
        assertThat(prompt.bosText()).isEqualTo("<|begin_of_text|>");
        String text = prompt.render(List.of(ChatMessage.user("Hi")));
        assertThat(text).startsWith("<|begin_of_text|>").endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n");
        int[] tokens = prompt.tokens(List.of(ChatMessage.user("Hi")));
        int bos = tok.vocabulary().bos();
        assertThat(tokens[0]).isEqualTo(bos);
        assertThat(tokens[1]).isNotEqualTo(bos);
        assertThat(tokens).containsSubsequence(tok.encode("Hi", false, false));
    }

    @Test
    void aTemplateWithoutBosGetsItFromTheTokenizer() {
        Path dir = tokenizerDir("mistral");
        Tokenizer tok = tokenizer(dir);
        ChatPrompt chatml = ChatPrompt.of(Optional.empty(), tok);
        assertThat(chatml.own()).isFalse();
        String text = chatml.render(List.of(ChatMessage.user("Hi")));
        assertThat(text).startsWith("<|im_start|>user\nHi");
        int[] tokens = chatml.tokens(text);
        int[] body = tok.encode(text, false, true);
        assertThat(tokens).hasSize(body.length + 1);
        assertThat(tokens[0]).isEqualTo(tok.vocabulary().bos());
        assertThat(java.util.Arrays.copyOfRange(tokens, 1, tokens.length)).isEqualTo(body);
    }

    @Test
    void variablesReachTheTemplateButNotBosOrEos() throws IOException {
        Path dir = tokenizerDir("qwen3");
        Tokenizer tok = tokenizer(dir);
        ChatPrompt prompt = ChatPrompt.of(template(dir), tok);
        List<ChatMessage> conversation = List.of(ChatMessage.user("Hi"));
        String thinking = prompt.render(conversation);
        String quiet = prompt.render(conversation, Map.of("enable_thinking", false, "bos_token", "XX", "eos_token", "YY"));
        assertThat(thinking).endsWith("<|im_start|>assistant\n");
        assertThat(quiet).isEqualTo(thinking + "<think>\n\n</think>\n\n");
        assertThat(prompt.tokens(thinking)).isEqualTo(tok.encode(thinking, tok.vocabulary().bos() >= 0, true));
    }
}
