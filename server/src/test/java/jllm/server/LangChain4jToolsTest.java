package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import jllm.model.LoadedModel;

/**
 * LangChain4j's AI services through its OpenAI module against the server, with jllm-tiny-tools
 * (models/jllm-tiny-tools.gguf, trained to call get_weather and add): a {@code @Tool} method the model
 * calls over HTTP, and a structured-output record ({@code response_format: json_schema}).
 */
class LangChain4jToolsTest {
    static final Path TOOLS_MODEL = Path.of("..", "models", "jllm-tiny-tools.gguf");
    static LoadedModel loaded;
    static OpenAiServer server;

    static final class Weather {
        final List<String> cities = Collections.synchronizedList(new ArrayList<>());

        @Tool(name = "get_weather", value = "The current weather in a city")
        String weather(String city) {
            cities.add(city);
            return "cloudy, 12 degrees";
        }
    }

    interface Assistant {
        String chat(String message);
    }

    enum Sky { SUNNY, RAINY, CLOUDY }

    /** A structured output (no free-text field: the tiny model, asked for a string, may write one until the limit). */
    record Forecast(Sky sky, int degrees, boolean umbrella) {
    }

    interface Forecaster {
        Forecast forecast(String message);
    }

    @BeforeAll
    static void start() {
        assumeTrue(Files.exists(TOOLS_MODEL), "skipped: " + TOOLS_MODEL.toAbsolutePath() + " is missing");
        loaded = LoadedModel.open(TOOLS_MODEL, new LoadedModel.Options(Optional.empty(), 1));
        server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256), ServedModel.of("tools", loaded));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (loaded != null) {
            loaded.close();
        }
    }

    private static OpenAiChatModel.OpenAiChatModelBuilder openAi() {
        return OpenAiChatModel.builder().baseUrl(server.baseUri().toString()).apiKey("not-needed").modelName("tools")
                .temperature(0.0).maxTokens(80);
    }

    @Test
    void anAiServiceRunsTheToolOverHttpAndAnswersWithItsResult() {
        Weather weather = new Weather();
        Assistant a = AiServices.builder(Assistant.class).chatModel(openAi().build()).tools(weather).build();
        String answer = a.chat("What is the weather in Berlin?");
        assertThat(weather.cities).containsExactly("Berlin");
        assertThat(answer).contains("cloudy").contains("12").contains("Berlin");
    }

    @Test
    void aStructuredOutputRecordIsFilledFromTheSchemasGrammar() {
        OpenAiChatModel chat = openAi().supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).strictJsonSchema(true).build();
        Forecast f = AiServices.create(Forecaster.class, chat).forecast("What is the weather in Berlin?");
        assertThat(f).isNotNull();
        assertThat(f.sky()).isIn((Object[]) Sky.values());
        // without the schema the same question is a tool-less answer, not JSON: the record came from the grammar
        String free = AiServices.create(Assistant.class, openAi().build()).chat("What is the weather in Berlin?");
        assertThat(free).doesNotStartWith("{");
    }
}
