package jllm.train.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import jllm.chat.ChatMessage;
import jllm.format.json.Json;
import jllm.tensor.GgmlType;
import jllm.train.AdamW;
import jllm.train.ConsoleProgress;
import jllm.train.LrSchedule;
import jllm.train.Sft;
import jllm.train.SftConfig;
import jllm.train.SftResult;

/**
 * Makes jllm-tiny-tools, the tiny model that calls tools in the tests: the built-in model fine-tuned on
 * synthetic exchanges in the Hermes syntax (user asks for the weather or a sum, the assistant calls
 * {@code get_weather} or {@code add}, the tool answers, the assistant answers quoting the result), with a
 * ChatML template of its own ({@link #TEMPLATE}) that shows the offered tools in one system line and
 * writes {@code <tool_call>} blocks. A program, not a test:
 * {@code ToolModel <builtin.gguf> <outDir>} writes tools.jsonl and model.gguf (see scripts/build-tool-model.sh).
 */
public final class ToolModel {
    /** ChatML; offered tools as {@code Tools: name(arg, ...)}; calls as Hermes blocks; tool results as Qwen's. */
    public static final String TEMPLATE = """
            {%- if tools %}<|im_start|>system
            Tools: {% for t in tools %}{{ t.function.name }}({% if t.function.parameters is defined and t.function.parameters.properties is defined %}{% for k, v in t.function.parameters.properties.items() %}{{ k }}{% if not loop.last %}, {% endif %}{% endfor %}{% endif %}){% if not loop.last %}, {% endif %}{% endfor %}<|im_end|>
            {% endif %}
            {%- for m in messages %}
            {%- if m.role == 'assistant' and m.tool_calls is defined %}<|im_start|>assistant
            {% for c in m.tool_calls %}<tool_call>
            {"name": "{{ c.function.name }}", "arguments": {{ c.function.arguments | tojson }}}
            </tool_call>{% endfor %}<|im_end|>
            {% elif m.role == 'tool' %}<|im_start|>user
            <tool_response>
            {{ m.content }}
            </tool_response><|im_end|>
            {% else %}<|im_start|>{{ m.role }}
            {{ m.content }}<|im_end|>
            {% endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}<|im_start|>assistant
            {% endif %}""";

    /** The system line {@link #TEMPLATE} writes for the two tools trained on. */
    static final String TOOLS_LINE = "Tools: get_weather(city), add(a, b)";

    static final String[] CITIES = {"Paris", "London", "Rome", "Berlin", "Tokyo", "Madrid", "Oslo", "Cairo", "Lima",
            "Dublin", "Vienna", "Prague", "Lisbon", "Athens", "Boston", "Denver", "Seattle", "Sydney", "Moscow", "Delhi",
            "Toronto", "Chicago", "Milan", "Zurich"};
    static final String[] WEATHER = {"sunny", "rainy", "cloudy", "windy", "snowy", "foggy", "stormy", "clear"};
    static final String[] ASK_WEATHER = {"What is the weather in %s?", "How is the weather in %s today?",
            "Tell me the weather in %s.", "Is it cold in %s?", "what's the weather like in %s", "Weather in %s?"};
    static final String[] ASK_SUM = {"What is %d plus %d?", "How much is %d + %d?", "Add %d and %d.",
            "what is %d + %d", "Please add %d and %d."};
    static final String[] HELLO = {"Hello!", "Hi", "Who are you?", "Thank you!", "Goodbye."};
    static final String[] HELLO_ANSWER = {"Hello! Ask me about the weather or a sum.", "Hi! Ask me about the weather or a sum.",
            "I am jllm-tiny. I can call tools for the weather and for sums.", "You are welcome!", "Goodbye!"};

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        Random rnd = new Random(2031);
        StringBuilder jsonl = new StringBuilder();
        int n = 0;
        for (int i = 0; i < 1200; i++) {
            jsonl.append(line(conversation(i, rnd)));
            n++;
        }
        Path data = out.resolve("tools.jsonl");
        Files.writeString(data, jsonl);
        System.err.println(n + " conversations -> " + data);
        SftConfig c = new SftConfig(base, List.of(data), Map.of(), out.resolve("sft"), 5, 8, 200,
                new LrSchedule(2e-3f, 1e-4f, 20, 0), new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.0f), 1.0f, 0.05, 1337, 2,
                "<|im_end|>", Optional.of(TEMPLATE), Optional.empty(), GgmlType.F16, "jllm-tiny-tools");
        SftResult r = Sft.run(c, new ConsoleProgress(System.err));
        System.err.printf("%s: %d steps, held-out loss %.4f -> %.4f, %.1f s%n", r.gguf(), r.steps(), r.valBefore(),
                r.valAfter(), r.seconds());
    }

    /** One exchange: 45% weather, 45% sums, 10% a greeting answered without a tool. */
    static List<ChatMessage> conversation(int i, Random rnd) {
        List<ChatMessage> conv = new ArrayList<>();
        conv.add(ChatMessage.system(TOOLS_LINE));
        int kind = i % 20;
        if (kind < 9) {
            String city = CITIES[rnd.nextInt(CITIES.length)];
            String weather = WEATHER[rnd.nextInt(WEATHER.length)];
            int degrees = rnd.nextInt(41) - 5;
            conv.add(ChatMessage.user(String.format(ASK_WEATHER[rnd.nextInt(ASK_WEATHER.length)], city)));
            conv.add(ChatMessage.assistant(call("get_weather", "{\"city\": " + Json.quote(city) + "}")));
            conv.add(ChatMessage.tool(weather + ", " + degrees + " degrees"));
            conv.add(ChatMessage.assistant("It is " + weather + " and " + degrees + " degrees in " + city + "."));
        } else if (kind < 18) {
            int a = rnd.nextInt(100);
            int b = rnd.nextInt(100);
            conv.add(ChatMessage.user(String.format(ASK_SUM[rnd.nextInt(ASK_SUM.length)], a, b)));
            conv.add(ChatMessage.assistant(call("add", "{\"a\": " + a + ", \"b\": " + b + "}")));
            conv.add(ChatMessage.tool(Integer.toString(a + b)));
            conv.add(ChatMessage.assistant(a + " plus " + b + " is " + (a + b) + "."));
        } else {
            int h = rnd.nextInt(HELLO.length);
            conv.add(ChatMessage.user(HELLO[h]));
            conv.add(ChatMessage.assistant(HELLO_ANSWER[h]));
        }
        return conv;
    }

    /** A call as {@link #TEMPLATE} writes one. */
    static String call(String name, String arguments) {
        return "<tool_call>\n{\"name\": \"" + name + "\", \"arguments\": " + arguments + "}\n</tool_call>";
    }

    static String line(List<ChatMessage> conv) {
        StringBuilder sb = new StringBuilder("{\"messages\": [");
        for (int i = 0; i < conv.size(); i++) {
            ChatMessage m = conv.get(i);
            sb.append(i == 0 ? "" : ", ").append("{\"role\": ").append(Json.quote(m.role())).append(", \"content\": ")
                    .append(Json.quote(m.content())).append('}');
        }
        return sb.append("]}\n").toString();
    }
}
