package jllm.chat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A function the model may call, as OpenAI's {@code tools} list describes it: a name, a description
 * and a JSON Schema of the arguments (an object schema; absent = no arguments).
 *
 * <pre>{@code
 * Tool weather = new Tool("get_weather", Optional.of("Current weather in a city."),
 *         Optional.of(Json.parseObject("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}", "schema")));
 * }</pre>
 *
 * @param name        the function's name: 1 to 64 letters, digits, '_' or '-'
 * @param description what it does, for the model
 * @param parameters  the arguments' JSON Schema as parsed JSON ({@link jllm.format.json.Json})
 */
public record Tool(String name, Optional<String> description, Optional<Map<String, Object>> parameters) {

    public Tool {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(parameters, "parameters");
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("a tool name must be 1 to 64 letters, digits, '_', '.' or '-', got '"
                    + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "'");
        }
    }

    /** The tool as chat templates see it in {@code tools}: {@code {"type": "function", "function": {...}}}. */
    public Map<String, Object> toTemplate() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        description.ifPresent(d -> function.put("description", d));
        parameters.ifPresent(p -> function.put("parameters", p));
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return tool;
    }
}
