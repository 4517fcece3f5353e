package jllm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import jllm.api.ChatReply;
import jllm.api.GenerateOptions;
import jllm.api.Model;
import jllm.chat.ChatMessage;
import jllm.chat.reply.ChatTools;
import jllm.format.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tools on jllm's in-process models with jllm-tiny-tools (models/jllm-tiny-tools.gguf, docs/models/jllm-tiny-tools.md):
 * a model trained to call {@code get_weather(city)} and {@code add(a, b)} in the Hermes syntax and to
 * answer from the tool's result.
 */
class ToolsTest {
    static final Path TOOLS_MODEL = Path.of("..", "models", "jllm-tiny-tools.gguf");
    static final GenerateOptions GREEDY = GenerateOptions.builder().temperature(0).maxTokens(60).build();

    /** The tools an AI service runs; each records the arguments the model chose. */
    static final class Tools {
        final List<String> cities = Collections.synchronizedList(new ArrayList<>());
        final List<String> sums = Collections.synchronizedList(new ArrayList<>());

        @Tool(name = "get_weather", value = "The current weather in a city")
        String weather(@P("the city") String city) {
            cities.add(city);
            return "rainy, 17 degrees";
        }

        @Tool(name = "add", value = "The sum of two integers")
        long add(long a, long b) {
            sums.add(a + "+" + b);
            return a + b;
        }
    }

    interface Assistant {
        String chat(String message);
    }

    private static Model model;

    @BeforeAll
    static void open() {
        assumeTrue(Files.exists(TOOLS_MODEL), "skipped: " + TOOLS_MODEL.toAbsolutePath() + " is missing");
        model = Model.open(TOOLS_MODEL, Model.Options.DEFAULTS.withThreads(2));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void anAiServiceRunsTheToolTheModelCallsAndAnswersWithItsResult() {
        Tools tools = new Tools();
        Assistant a = AiServices.builder(Assistant.class).chatModel(new JllmChatModel(model, GREEDY)).tools(tools).build();
        String answer = a.chat("What is the weather in Oslo?");
        assertThat(tools.cities).containsExactly("Oslo");
        assertThat(tools.sums).isEmpty();
        assertThat(answer).contains("rainy").contains("17").contains("Oslo");

        String sum = a.chat("What is 23 plus 19?");
        assertThat(tools.sums).containsExactly("23+19");
        assertThat(sum).contains("42");
    }

    @Test
    void theStreamingModelHandsOverEachWholeCall() throws Exception {
        ToolSpecification weather = ToolSpecification.builder().name("get_weather").description("the weather")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        ToolSpecification add = ToolSpecification.builder().name("add").description("a + b")
                .parameters(JsonObjectSchema.builder().addIntegerProperty("a").addIntegerProperty("b").required("a", "b").build()).build();
        List<CompleteToolCall> calls = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        new JllmStreamingChatModel(model, GREEDY).chat(ChatRequest.builder().messages(UserMessage.from("What is the weather in Rome?"))
                .toolSpecifications(weather, add).build(), new StreamingChatResponseHandler() {
                    @Override
                    public void onCompleteToolCall(CompleteToolCall call) {
                        calls.add(call);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse r) {
                        done.complete(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }
                });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(r.aiMessage().toolExecutionRequests()).hasSize(1);
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().toolExecutionRequest()).isEqualTo(r.aiMessage().toolExecutionRequests().getFirst());
        assertThat(Json.parseObject(calls.getFirst().toolExecutionRequest().arguments(), "arguments")).isEqualTo(Map.of("city", "Rome"));
    }

    @Test
    void aRequiredCallIsDecodedUnderTheToolsGrammar() {
        // a tool the model never saw, asked a greeting it answers without a call: only the grammar makes a call
        ToolSpecification clock = ToolSpecification.builder().name("get_time")
                .parameters(JsonObjectSchema.builder().addEnumProperty("zone", List.of("utc", "local")).required("zone").build())
                .build();
        JllmChatModel chat = new JllmChatModel(model, GREEDY);
        ChatRequest ask = ChatRequest.builder().messages(UserMessage.from("Hello!")).toolSpecifications(clock).build();
        ChatResponse free = chat.chat(ask);
        assertThat(free.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(free.aiMessage().text()).isNotBlank();
        ChatResponse forced = chat.chat(ask.toBuilder().toolChoice(ToolChoice.REQUIRED).build());
        assertThat(forced.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        var call = forced.aiMessage().toolExecutionRequests().getFirst();
        assertThat(call.name()).isEqualTo("get_time");
        assertThat(Json.parseObject(call.arguments(), "arguments").get("zone")).isIn("utc", "local");
    }

    @Test
    void theApiReadsCallsAndTakesTheirResultsBack() {
        jllm.chat.Tool weather = new jllm.chat.Tool("get_weather", Optional.empty(), Optional.of(Json.parseObject(
                "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}", "schema")));
        List<ChatMessage> conv = new ArrayList<>(List.of(ChatMessage.user("What is the weather in Lima?")));
        ChatReply first = model.chat(conv, ChatTools.auto(List.of(weather)), Map.of(), GREEDY);
        assertThat(first.calledTools()).isTrue();
        assertThat(first.content()).isEmpty();
        assertThat(first.text()).contains("<tool_call>");
        assertThat(first.toolCalls().getFirst().name()).isEqualTo("get_weather");
        assertThat(Json.parseObject(first.toolCalls().getFirst().arguments(), "arguments")).isEqualTo(Map.of("city", "Lima"));
        conv.add(first.message());
        conv.add(ChatMessage.toolResult(first.toolCalls().getFirst().id(), "get_weather", "windy, 9 degrees"));
        ChatReply second = model.chat(conv, ChatTools.auto(List.of(weather)), Map.of(), GREEDY);
        assertThat(second.calledTools()).isFalse();
        assertThat(second.content()).contains("windy").contains("9 degrees").contains("Lima");
        // tool_choice none: the model is not shown the tools and nothing is read as a call
        ChatReply none = model.chat(List.of(ChatMessage.user("What is the weather in Lima?")),
                new ChatTools(List.of(weather), ChatTools.Choice.NONE, Optional.empty(), true), Map.of(), GREEDY);
        assertThat(none.calledTools()).isFalse();
    }
}
