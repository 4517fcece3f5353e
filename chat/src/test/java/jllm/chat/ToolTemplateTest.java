package jllm.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Files;
import java.nio.file.Path;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Tokenizers;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import jllm.format.json.Json;

/**
 * Tool calls, tool results, {@code tools} and {@code reasoning_content} through real templates, against
 * the prompts transformers renders. The expected texts beside this test's resources were made with
 * {@code /work/venv/bin/python chat/src/test/resources/jllm/chat/tools/make_expected.py ../shared/data/tokenizers/chat-templates}
 * (transformers 5.18, Jinja2 3.1.6; the script holds the same conversation as {@link #CONVERSATION}).
 */
class ToolTemplateTest {

    static final Tool WEATHER = new Tool("get_weather", Optional.of("Current weather in a city."), Optional.of(Json.parseObject("""
            {"type": "object", "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]}""", "parameters")));

    static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("You are helpful."),
            ChatMessage.user("Weather in Paris?"),
            // the arguments arrive as a JSON string (as OpenAI sends them) and reach the template as an object
            ChatMessage.toolCalls(List.of(new ToolCall("call12345", "get_weather", "{\"city\": \"Paris\", \"unit\": \"c\"}"))),
            ChatMessage.toolResult("call12345", "get_weather", "{\"temp\": 21}"),
            ChatMessage.assistant("It is 21 C in Paris."),
            ChatMessage.user("Thanks!"));

    private static String expected(String name) throws IOException {
        try (InputStream in = ToolTemplateTest.class.getResourceAsStream("tools/" + name)) {
            assertThat(in).as("test resource tools/" + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The template with the real tokenizer of its family (for bos_token and eos_token). */
    private static ChatPrompt prompt(String template, String family) {
        Path dir = TemplateCorpus.folder().getParent().resolve(family);
        assumeTrue(Files.isRegularFile(dir.resolve("tokenizer.json")), () -> "skipped: no tokenizer at " + dir.toAbsolutePath());
        Tokenizer tok = Tokenizers.fromHuggingFace(dir.resolve("tokenizer.json"), Optional.of(dir.resolve("tokenizer_config.json")));
        return new ChatPrompt(ChatTemplate.of(TemplateCorpus.read(template)), tok, true);
    }

    @ParameterizedTest
    @CsvSource({
            "Qwen-Qwen2.5-7B-Instruct, qwen3",
            "Qwen-Qwen3-0.6B, qwen3",
            "NousResearch-Hermes-3-Llama-3.1-8B-tool_use, llama3",
            "meta-llama-Llama-3.1-8B-Instruct, llama3",
            "mistralai-Mistral-Nemo-Instruct-2407, mistral"})
    void toolConversationMatchesTransformers(String template, String family) throws IOException {
        String text = prompt(template + ".jinja", family).render(CONVERSATION, List.of(WEATHER), Map.of("date_string", "26 Jul 2024"));
        assertThat(text).isEqualTo(expected(template + ".tools.txt"));
    }

    @Test
    void qwen3ThinkingSwitchAndReasoningContent() throws IOException {
        ChatPrompt qwen3 = prompt("Qwen-Qwen3-0.6B.jinja", "qwen3");
        List<ChatMessage> thinking = List.of(ChatMessage.user("2+2?"), ChatMessage.assistant("4").withReasoning("Two plus two is four."),
                ChatMessage.user("3+3?"));
        assertThat(qwen3.render(thinking, List.of(), Map.of("enable_thinking", true))).isEqualTo(expected("Qwen-Qwen3-0.6B.thinking-true.txt"));
        assertThat(qwen3.render(thinking, List.of(), Map.of("enable_thinking", false))).isEqualTo(expected("Qwen-Qwen3-0.6B.thinking-false.txt"));
        List<ChatMessage> toolTurn = List.of(ChatMessage.user("Weather in Paris?"),
                ChatMessage.toolCalls(List.of(new ToolCall("call12345", "get_weather", "{\"city\": \"Paris\"}")))
                        .withReasoning("I should call the tool."),
                ChatMessage.toolResult("call12345", "get_weather", "{\"temp\": 21}"));
        assertThat(qwen3.render(toolTurn, List.of(WEATHER), Map.of())).isEqualTo(expected("Qwen-Qwen3-0.6B.thinking-tool.txt"));
    }

    @Test
    void kwargsCannotReplaceTheConversationOrTheTools() {
        ChatPrompt qwen = prompt("Qwen-Qwen2.5-7B-Instruct.jinja", "qwen3");
        String plain = qwen.render(CONVERSATION.subList(0, 2), List.of(), Map.of());
        String tried = qwen.render(CONVERSATION.subList(0, 2), List.of(), Map.of("messages", List.of(), "tools", List.of(WEATHER.toTemplate()),
                "add_generation_prompt", false));
        assertThat(tried).isEqualTo(plain).doesNotContain("# Tools").endsWith("<|im_start|>assistant\n");
    }

    @Test
    void argumentsThatAreNotJsonReachTheTemplateAsText() {
        ChatPrompt qwen = prompt("Qwen-Qwen2.5-7B-Instruct.jinja", "qwen3");
        String text = qwen.render(List.of(ChatMessage.user("x"), ChatMessage.toolCalls(List.of(new ToolCall("c1", "f", "not json")))),
                List.of(), Map.of());
        assertThat(text).contains("{\"name\": \"f\", \"arguments\": \"not json\"}");
    }
}
