package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;

import jllm.testing.SharedData;
import jllm.chat.ChatTemplate;
import jllm.format.json.Json;
import jllm.generate.schema.SchemaValidator;
import jllm.model.LoadedModel;

/**
 * Tool calls through the OpenAI Java SDK against the in-process server: stories260K (a story model that
 * never calls a tool by itself) must call one under {@code tool_choice: required} or a named function,
 * because decoding is constrained to the call syntax and the tool's schema. It is served twice: with its
 * ChatML fallback (generic JSON calls) and with Qwen 2.5's template (Hermes {@code <tool_call>} calls).
 */
class ToolCallsTest {
    static LoadedModel loaded;
    static OpenAiServer server;
    static OpenAIClient client;

    private static final String WEATHER_SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":10},"
            + "\"unit\":{\"enum\":[\"c\",\"f\"]},\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":7}},"
            + "\"required\":[\"city\",\"days\"],\"additionalProperties\":false}";
    private static final SchemaValidator WEATHER = SchemaValidator.of(Json.parse(WEATHER_SCHEMA, "weather"));

    @BeforeAll
    static void start() throws Exception {
        loaded = TestServers.stories();
        ServedModel chatml = ServedModel.of("stories260K", loaded);
        String qwen = Files.readString(SharedData.require("data/tokenizers/chat-templates/Qwen-Qwen2.5-7B-Instruct.jinja"));
        ServedModel hermes = new ServedModel("stories-qwen", loaded.model(), loaded.tokenizer(), ChatTemplate.of(qwen), 0);
        server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(1536).withParallel(2), chatml, hermes);
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey("not-needed").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (loaded != null) {
            loaded.close();
        }
    }

    private static ChatCompletionFunctionTool tool(String name, String schema) throws Exception {
        FunctionParameters.Builder p = FunctionParameters.builder();
        Requests.JSON.readTree(schema).properties().forEach(e -> p.putAdditionalProperty(e.getKey(),
                JsonValue.from(Requests.JSON.convertValue(e.getValue(), Object.class))));
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(name)
                .description("Tool " + name).parameters(p.build()).build()).build();
    }

    private static ChatCompletionCreateParams.Builder ask(String model, long seed) throws Exception {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("What is the weather in Paris?")
                .addTool(tool("get_weather", WEATHER_SCHEMA))
                .addTool(tool("get_time", "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\",\"maxLength\":8}},"
                        + "\"additionalProperties\":false}"))
                .temperature(1.0).seed(seed).maxCompletionTokens(300);
    }

    private static void assertValidCall(String name, String arguments) {
        Object args = Json.parse(arguments, "arguments");
        if (name.equals("get_weather")) {
            assertThat(WEATHER.validate(args)).as(arguments).isTrue();
        } else {
            assertThat(name).isEqualTo("get_time");
            assertThat(args).isInstanceOf(Map.class);
        }
    }

    @Test
    void requiredAndNamedChoicesGiveCallsThatValidate() throws Exception {
        for (String model : List.of("stories260K", "stories-qwen")) {
            for (long seed = 1; seed <= 3; seed++) {
                ChatCompletion c = client.chat().completions().create(ask(model, seed)
                        .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).parallelToolCalls(false).build());
                var choice = c.choices().getFirst();
                assertThat(choice.finishReason().asString()).as("%s seed %d: %s", model, seed, choice.message()).isEqualTo("tool_calls");
                var calls = choice.message().toolCalls().orElseThrow();
                assertThat(calls).hasSize(1);
                ChatCompletionMessageFunctionToolCall call = calls.getFirst().asFunction();
                assertThat(call.id()).startsWith("call_");
                assertValidCall(call.function().name(), call.function().arguments());
                assertThat(choice.message().content()).isEmpty();

                ChatCompletion named = client.chat().completions().create(ask(model, seed).toolChoice(ChatCompletionNamedToolChoice.builder()
                        .function(ChatCompletionNamedToolChoice.Function.builder().name("get_weather").build()).build()).build());
                var namedCalls = named.choices().getFirst().message().toolCalls().orElseThrow();
                assertThat(namedCalls).isNotEmpty();
                for (var nc : namedCalls) {
                    assertThat(nc.asFunction().function().name()).isEqualTo("get_weather");
                    assertValidCall("get_weather", nc.asFunction().function().arguments());
                }
            }
        }
    }

    @Test
    void streamedCallDeltasReassembleToTheWholeAnswer() throws Exception {
        for (String model : List.of("stories260K", "stories-qwen")) {
            ChatCompletionCreateParams params = ask(model, 7).toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                    .parallelToolCalls(false).build();
            ChatCompletion whole = client.chat().completions().create(params);
            Map<Long, String[]> calls = new LinkedHashMap<>(); // index -> id, name, arguments
            StringBuilder content = new StringBuilder();
            String finish = null;
            try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
                for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) s.stream()::iterator) {
                    for (var ch : chunk.choices()) {
                        ch.delta().content().ifPresent(content::append);
                        for (var d : ch.delta().toolCalls().orElse(List.of())) {
                            String[] call = calls.computeIfAbsent(d.index(), i -> new String[] {null, null, ""});
                            d.id().ifPresent(id -> call[0] = id);
                            d.function().flatMap(f -> f.name()).ifPresent(n -> call[1] = n);
                            d.function().flatMap(f -> f.arguments()).ifPresent(a -> call[2] += a);
                        }
                        if (ch.finishReason().isPresent()) {
                            finish = ch.finishReason().get().asString();
                        }
                    }
                }
            }
            assertThat(finish).isEqualTo("tool_calls");
            assertThat(content.toString()).isEmpty();
            var expected = whole.choices().getFirst().message().toolCalls().orElseThrow();
            assertThat(calls).hasSize(expected.size());
            List<String[]> got = new ArrayList<>(calls.values());
            for (int i = 0; i < expected.size(); i++) {
                var f = expected.get(i).asFunction();
                assertThat(got.get(i)[0]).startsWith("call_");
                assertThat(got.get(i)[1]).isEqualTo(f.function().name());
                assertThat(got.get(i)[2]).isEqualTo(f.function().arguments());
            }
        }
    }

    @Test
    void noneAndAutoLetTheStoryModelAnswerInText() throws Exception {
        ChatCompletion none = client.chat().completions().create(ask("stories-qwen", 3)
                .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).maxCompletionTokens(30).build());
        assertThat(none.choices().getFirst().message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(none.choices().getFirst().message().content().orElseThrow()).isNotEmpty();
        ChatCompletion auto = client.chat().completions().create(ask("stories260K", 3).maxCompletionTokens(30).build());
        assertThat(auto.choices().getFirst().finishReason().asString()).isIn("stop", "length");
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.baseUri().resolve("/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aToolConversationIsAccepted() throws Exception {
        String body = """
                {"model": "stories-qwen", "max_tokens": 5, "messages": [
                  {"role": "user", "content": "Weather?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                    "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\", \\"days\\": 1}"}}]},
                  {"role": "tool", "tool_call_id": "call_1", "content": "{\\"temp\\": 21}"},
                  {"role": "assistant", "content": "21 C", "reasoning_content": "easy"},
                  {"role": "user", "content": "Thanks"}],
                 "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": %s}}],
                 "chat_template_kwargs": {"enable_thinking": false}}""".formatted(WEATHER_SCHEMA);
        HttpResponse<String> r = post(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Requests.JSON.readTree(r.body()).at("/choices/0/message/role").asText()).isEqualTo("assistant");
    }

    @Test
    void wrongShapesAre400sNamingTheField() throws Exception {
        String user = "\"model\": \"stories260K\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        String tool = "{\"type\": \"function\", \"function\": {\"name\": \"f\"}}";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{" + user + ", \"tools\": {}}", "tools");
        cases.put("{" + user + ", \"tools\": [{\"type\": \"retrieval\"}]}", "tools");
        cases.put("{" + user + ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a b\"}}]}", "tools");
        cases.put("{" + user + ", \"tools\": [" + tool + ", " + tool + "]}", "tools");
        cases.put("{" + user + ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": []}}]}", "tools");
        cases.put("{" + user + ", \"tools\": [" + tool + "], \"tool_choice\": \"always\"}", "tool_choice");
        cases.put("{" + user + ", \"tool_choice\": \"required\"}", "tool_choice");
        cases.put("{" + user + ", \"tools\": [" + tool + "], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"g\"}}}",
                "tool_choice");
        cases.put("{" + user + ", \"tools\": [" + tool + "], \"parallel_tool_calls\": \"yes\"}", "parallel_tool_calls");
        cases.put("{" + user + ", \"chat_template_kwargs\": [true]}", "chat_template_kwargs");
        cases.put("{\"model\": \"stories260K\", \"messages\": [{\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"x\"}]}]}", "messages");
        cases.put("{\"model\": \"stories260K\", \"messages\": [{\"role\": \"tool\", \"content\": \"r\", \"tool_call_id\": 5}]}", "messages");
        cases.put("{" + user + ", \"tools\": [" + tool + "], \"tool_choice\": \"required\", \"response_format\": {\"type\": \"json_object\"}}",
                "tool_choice");
        cases.put("{" + user + ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": "
                + "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"uniqueItems\": true}}}}}], \"tool_choice\": \"required\"}",
                "tools");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> r = post(c.getKey());
            assertThat(r.statusCode()).as(c.getKey() + " -> " + r.body()).isEqualTo(400);
            JsonNode error = Requests.JSON.readTree(r.body()).get("error");
            assertThat(error.get("param").asText()).as(c.getKey() + " -> " + r.body()).isEqualTo(c.getValue());
        }
        // the unsupported keyword is named, and only when the call must be constrained
        HttpResponse<String> unsupported = post("{" + user + ", \"max_tokens\": 2, \"tools\": [{\"type\": \"function\", \"function\": "
                + "{\"name\": \"f\", \"parameters\": {\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"uniqueItems\": true}}}}}], "
                + "\"tool_choice\": \"required\"}");
        assertThat(unsupported.body()).contains("uniqueItems").contains("'f'");
        assertThat(post("{" + user + ", \"max_tokens\": 2, \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": "
                + "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"uniqueItems\": true}}}}}]}").statusCode()).isEqualTo(200);
    }
}
