package jllm.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonFactory;

import java.util.Map;

import jllm.chat.ChatMessage;
import jllm.chat.Tool;
import jllm.chat.reply.ChatTools;
import jllm.chat.ToolCall;
import jllm.format.json.Json;
import jllm.generate.grammar.Grammar;
import jllm.generate.grammar.GrammarException;
import jllm.generate.grammar.JsonGrammar;
import jllm.generate.schema.SchemaException;
import jllm.generate.schema.SchemaGrammar;

/**
 * Request bodies parsed once, at the edge, into typed records. Every field is checked for its type and
 * range; anything wrong is an {@link ApiException} 400 naming the field, never a 500.
 */
final class Requests {
    private Requests() {
    }

    /** Parsing limits: nesting, string and number sizes are bounded before any tree is built. */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(64).maxNumberLength(64).maxStringLength(16 << 20).maxDocumentLength(64L << 20)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The most choices one request may ask for ({@code n}). */
    static final int MAX_CHOICES = 16;

    /**
     * Sampling and stopping, common to chat and text completions.
     *
     * @param n choices to generate, each its own sample of the same prompt (1 to {@link #MAX_CHOICES})
     */
    record Generation(Optional<String> model, double temperature, double topP, OptionalInt maxTokens, List<String> stop,
                      Optional<Long> seed, double frequencyPenalty, double presencePenalty, boolean stream,
                      boolean includeUsage, int n) {
        /** These settings with at most {@code max} tokens to generate. */
        Generation withMaxTokens(int max) {
            return new Generation(model, temperature, topP, OptionalInt.of(max), stop, seed, frequencyPenalty, presencePenalty,
                    stream, includeUsage, n);
        }
    }

    /** A chat completion request. */
    /**
     * @param grammar the output's grammar from {@code response_format} (json_object: a JSON object;
     *                json_schema: the schema's grammar), or null for free text
     */
    record Chat(Generation generation, List<ChatMessage> messages, int topLogprobs, Grammar grammar, Tools tools) {
        /** This request with {@code m} as its messages. */
        Chat withMessages(List<ChatMessage> m) {
            return new Chat(generation, m, topLogprobs, grammar, tools);
        }
    }

    /**
     * {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} ({@code use}), and
     * {@code chat_template_kwargs}.
     *
     * @param use    the functions offered and how the model may call them
     * @param kwargs template switches ({@code enable_thinking}, ...), as parsed JSON
     */
    record Tools(ChatTools use, Map<String, Object> kwargs) {
        /** Whether a call is forced ({@code required} or a named function). */
        boolean forced() {
            return !use.forced().isEmpty();
        }
    }

    /** A text completion request: a prompt given as text or as token ids. */
    record Completion(Generation generation, Optional<String> text, Optional<int[]> tokens, int logprobs, boolean echo) {
    }

    /** An embeddings request: each input as text or token ids. */
    record Embedding(Optional<String> model, List<Object> inputs, boolean base64) {
    }

    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.invalid(null, "the request has no body; send a JSON object");
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw ApiException.invalid(null, "the request body must be a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.invalid(null, "the request body cannot be read: " + e.getMessage());
        }
    }

    static Chat chat(JsonNode root) {
        Generation g = generation(root, "max_completion_tokens");
        JsonNode msgs = root.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) {
            throw ApiException.invalid("messages", "'messages' must be a non-empty array of {role, content} objects");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) {
            messages.add(message(msgs.get(i), "messages[" + i + "]"));
        }
        boolean logprobs = bool(root, "logprobs", false);
        int top = integer(root, "top_logprobs", 0, 20).orElse(0);
        if (root.hasNonNull("top_logprobs") && !logprobs) {
            throw ApiException.invalid("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        }
        Grammar grammar = null;
        JsonNode rf = root.get("response_format");
        if (rf != null && !rf.isNull()) {
            String type = rf.isObject() && rf.get("type") != null && rf.get("type").isTextual() ? rf.get("type").asText() : null;
            if ("json_object".equals(type)) {
                grammar = JsonGrammar.object();
            } else if ("json_schema".equals(type)) {
                grammar = schemaGrammar(rf.get("json_schema"));
            } else if (!"text".equals(type)) {
                throw ApiException.invalid("response_format", "'response_format' must be {\"type\": \"text\"}, "
                        + "{\"type\": \"json_object\"} or {\"type\": \"json_schema\", \"json_schema\": {\"name\": ..., \"schema\": {...}}}");
            }
        }
        Tools tools = tools(root);
        if (grammar != null && tools.forced()) {
            throw ApiException.invalid("tool_choice", "'tool_choice' " + tools.use().choice().name().toLowerCase(java.util.Locale.ROOT)
                    + " cannot be combined with a 'response_format' that constrains the answer");
        }
        return new Chat(g, List.copyOf(messages), logprobs ? top : -1, grammar, tools);
    }

    /** {@code tools}, {@code tool_choice}, {@code parallel_tool_calls}, {@code chat_template_kwargs}. */
    private static Tools tools(JsonNode root) {
        List<Tool> offered = new ArrayList<>();
        JsonNode ts = root.get("tools");
        if (ts != null && !ts.isNull()) {
            if (!ts.isArray() || ts.size() > 128) {
                throw ApiException.invalid("tools", "'tools' must be an array of at most 128 {\"type\": \"function\", \"function\": {...}}");
            }
            for (int i = 0; i < ts.size(); i++) {
                offered.add(tool(ts.get(i), "tools[" + i + "]"));
                for (int j = 0; j < i; j++) {
                    if (offered.get(j).name().equals(offered.get(i).name())) {
                        throw ApiException.invalid("tools", "'tools' names the function '" + offered.get(i).name() + "' twice");
                    }
                }
            }
        }
        ChatTools.Choice choice = offered.isEmpty() ? ChatTools.Choice.NONE : ChatTools.Choice.AUTO;
        Optional<String> named = Optional.empty();
        JsonNode tc = root.get("tool_choice");
        if (tc != null && !tc.isNull()) {
            if (tc.isTextual() && List.of("auto", "none", "required").contains(tc.asText())) {
                choice = ChatTools.Choice.valueOf(tc.asText().toUpperCase(java.util.Locale.ROOT));
            } else if (tc.isObject() && tc.path("type").asText().equals("function") && tc.path("function").path("name").isTextual()) {
                choice = ChatTools.Choice.NAMED;
                named = Optional.of(tc.get("function").get("name").asText());
            } else {
                throw ApiException.invalid("tool_choice", "'tool_choice' must be \"auto\", \"none\", \"required\" or "
                        + "{\"type\": \"function\", \"function\": {\"name\": ...}}");
            }
            if (offered.isEmpty() && (choice == ChatTools.Choice.REQUIRED || choice == ChatTools.Choice.NAMED)) {
                throw ApiException.invalid("tool_choice", "'tool_choice' " + tc + " needs 'tools' listing the functions");
            }
            String wanted = named.orElse(null);
            if (wanted != null && offered.stream().noneMatch(t -> t.name().equals(wanted))) {
                throw ApiException.invalid("tool_choice", "'tool_choice' names the function '" + shorten(wanted)
                        + "', which 'tools' does not list");
            }
        }
        boolean parallel = bool(root, "parallel_tool_calls", true);
        Map<String, Object> kwargs = Map.of();
        JsonNode kw = root.get("chat_template_kwargs");
        if (kw != null && !kw.isNull()) {
            if (!kw.isObject()) {
                throw ApiException.invalid("chat_template_kwargs", "'chat_template_kwargs' must be an object, e.g. {\"enable_thinking\": false}");
            }
            kwargs = Json.parseObject(kw.toString(), "chat_template_kwargs");
        }
        return new Tools(new ChatTools(offered, choice, named, parallel), kwargs);
    }

    /** One entry of {@code tools}: {@code {type: "function", function: {name, description, parameters, strict}}}. */
    private static Tool tool(JsonNode t, String where) {
        String shape = "'" + where + "' must be {\"type\": \"function\", \"function\": {\"name\": ..., \"description\": ..., "
                + "\"parameters\": {...}}}";
        if (t == null || !t.isObject() || !"function".equals(t.path("type").asText()) || !t.path("function").isObject()) {
            throw ApiException.invalid("tools", shape);
        }
        JsonNode f = t.get("function");
        JsonNode name = f.get("name");
        if (name == null || !name.isTextual() || !name.asText().matches("[A-Za-z0-9_.-]{1,64}")) {
            throw ApiException.invalid("tools", "'" + where + ".function.name' must be 1 to 64 letters, digits, '_', '.' or '-'");
        }
        JsonNode d = f.get("description");
        if (d != null && !d.isNull() && !d.isTextual()) {
            throw ApiException.invalid("tools", "'" + where + ".function.description' must be a string");
        }
        JsonNode p = f.get("parameters");
        if (p != null && !p.isNull() && !p.isObject()) {
            throw ApiException.invalid("tools", "'" + where + ".function.parameters' must be a JSON Schema object");
        }
        JsonNode strict = f.get("strict");
        if (strict != null && !strict.isNull() && !strict.isBoolean()) {
            throw ApiException.invalid("tools", "'" + where + ".function.strict' must be true or false");
        }
        return new Tool(name.asText(), d == null || d.isNull() ? Optional.empty() : Optional.of(d.asText()),
                p == null || p.isNull() ? Optional.empty() : Optional.of(Json.parseObject(p.toString(), where + ".function.parameters")));
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    /**
     * {@code response_format.json_schema} ({@code {name, schema, strict}}): the schema as a grammar, so the
     * answer is an instance of it whatever {@code strict} says. A schema using a keyword the grammar
     * compiler does not support is refused with the keyword named, never loosened silently.
     */
    private static Grammar schemaGrammar(JsonNode js) {
        String param = "response_format";
        if (js == null || !js.isObject() || js.get("schema") == null || !(js.get("schema").isObject() || js.get("schema").isBoolean())) {
            throw ApiException.invalid(param, "'response_format' of type json_schema needs \"json_schema\": {\"name\": ..., "
                    + "\"schema\": {...}}");
        }
        if (js.has("name") && !(js.get("name").isTextual() && js.get("name").asText().matches("[A-Za-z0-9_-]{1,64}"))) {
            throw ApiException.invalid(param, "'json_schema.name' must be 1 to 64 letters, digits, '_' or '-'");
        }
        try {
            return SchemaGrammar.compile(Json.parse(JSON.writeValueAsString(js.get("schema")), "json_schema.schema"));
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(param, "'json_schema.schema' cannot be read: " + e.getOriginalMessage());
        } catch (SchemaException | GrammarException e) {
            throw ApiException.invalid(param, "'json_schema.schema' cannot constrain the output: " + e.getMessage());
        }
    }

    static Completion completion(JsonNode root) {
        Generation g = generation(root, null);
        JsonNode p = root.get("prompt");
        Optional<String> text = Optional.empty();
        Optional<int[]> tokens = Optional.empty();
        if (p != null && p.isTextual()) {
            text = Optional.of(p.asText());
        } else if (p != null && p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            text = Optional.of(p.get(0).asText());
        } else if (p != null && p.isArray() && !p.isEmpty() && p.get(0).isInt()) {
            tokens = Optional.of(tokenIds(p, "prompt"));
        } else {
            throw ApiException.invalid("prompt", "'prompt' must be a string, an array of one string, or an array of token ids");
        }
        int logprobs = integer(root, "logprobs", 0, 20).orElse(-1);
        boolean echo = bool(root, "echo", false);
        if (root.hasNonNull("suffix")) {
            throw ApiException.invalid("suffix", "'suffix' is not supported");
        }
        OptionalInt bestOf = integer(root, "best_of", 1, MAX_CHOICES);
        if (bestOf.isPresent() && bestOf.getAsInt() != g.n()) {
            throw ApiException.invalid("best_of", "'best_of' must equal 'n' (" + g.n() + "): ranking extra samples "
                    + "server-side is not supported; ask for n choices and pick among them");
        }
        return new Completion(g, text, tokens, logprobs, echo);
    }

    static Embedding embedding(JsonNode root) {
        Optional<String> model = string(root, "model");
        JsonNode in = root.get("input");
        List<Object> inputs = new ArrayList<>();
        if (in != null && in.isTextual()) {
            inputs.add(in.asText());
        } else if (in != null && in.isArray() && !in.isEmpty() && in.get(0).isInt()) {
            inputs.add(tokenIds(in, "input"));
        } else if (in != null && in.isArray() && !in.isEmpty() && in.size() <= 256) {
            for (int i = 0; i < in.size(); i++) {
                JsonNode e = in.get(i);
                if (e.isTextual()) {
                    inputs.add(e.asText());
                } else if (e.isArray() && !e.isEmpty()) {
                    inputs.add(tokenIds(e, "input[" + i + "]"));
                } else {
                    throw ApiException.invalid("input", "'input[" + i + "]' must be a string or an array of token ids");
                }
            }
        } else {
            throw ApiException.invalid("input", "'input' must be a string, or an array of 1 to 256 strings or token-id arrays");
        }
        for (Object o : inputs) {
            if (o instanceof String s && s.isEmpty()) {
                throw ApiException.invalid("input", "'input' must not contain empty strings");
            }
        }
        String format = string(root, "encoding_format").orElse("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiException.invalid("encoding_format", "'encoding_format' must be \"float\" or \"base64\"");
        }
        if (root.hasNonNull("dimensions")) {
            throw ApiException.invalid("dimensions", "'dimensions' is not supported: embeddings have the model's width");
        }
        return new Embedding(model, List.copyOf(inputs), format.equals("base64"));
    }

    private static Generation generation(JsonNode root, String altMaxTokens) {
        Optional<String> model = string(root, "model");
        double temperature = number(root, "temperature", 0, 2).orElse(1.0);
        double topP = number(root, "top_p", 0, 1).orElse(1.0);
        OptionalInt max = integer(root, "max_tokens", 0, Integer.MAX_VALUE);
        if (altMaxTokens != null) {
            OptionalInt alt = integer(root, altMaxTokens, 0, Integer.MAX_VALUE);
            if (alt.isPresent()) {
                max = alt;
            }
        }
        List<String> stop = new ArrayList<>();
        JsonNode s = root.get("stop");
        if (s != null && s.isTextual()) {
            stop.add(s.asText());
        } else if (s != null && s.isArray() && s.size() <= 4) {
            for (JsonNode e : s) {
                if (!e.isTextual()) {
                    throw ApiException.invalid("stop", "'stop' must be a string or an array of at most 4 strings");
                }
                stop.add(e.asText());
            }
        } else if (s != null && !s.isNull()) {
            throw ApiException.invalid("stop", "'stop' must be a string or an array of at most 4 strings");
        }
        for (String e : stop) {
            if (e.isEmpty() || e.length() > 256) {
                throw ApiException.invalid("stop", "stop strings must have 1 to 256 characters");
            }
        }
        Optional<Long> seed = Optional.empty();
        JsonNode sd = root.get("seed");
        if (sd != null && !sd.isNull()) {
            if (!sd.isIntegralNumber() || !sd.canConvertToLong()) {
                throw ApiException.invalid("seed", "'seed' must be an integer");
            }
            seed = Optional.of(sd.asLong());
        }
        double freq = number(root, "frequency_penalty", -2, 2).orElse(0.0);
        double pres = number(root, "presence_penalty", -2, 2).orElse(0.0);
        boolean stream = bool(root, "stream", false);
        boolean usage = false;
        JsonNode so = root.get("stream_options");
        if (so != null && !so.isNull()) {
            if (!so.isObject()) {
                throw ApiException.invalid("stream_options", "'stream_options' must be an object");
            }
            usage = bool(so, "include_usage", false);
        }
        for (String unsupported : List.of("functions", "logit_bias")) {
            JsonNode u = root.get(unsupported);
            if (u != null && !u.isNull() && !(u.isContainerNode() && u.isEmpty())) {
                throw ApiException.invalid(unsupported, "'" + unsupported + "' is not supported by this server");
            }
        }
        int n = integer(root, "n", 1, MAX_CHOICES).orElse(1);
        return new Generation(model, temperature, topP, max, List.copyOf(stop), seed, freq, pres, stream, usage, n);
    }

    private static ChatMessage message(JsonNode m, String where) {
        if (m == null || !m.isObject()) {
            throw ApiException.invalid("messages", "'" + where + "' must be an object with 'role' and 'content'");
        }
        JsonNode r = m.get("role");
        if (r == null || !r.isTextual()) {
            throw ApiException.invalid("messages", "'" + where + ".role' must be a string");
        }
        String role = switch (r.asText()) {
            case "system", "developer" -> "system";
            case "user", "assistant", "tool" -> r.asText();
            default -> throw ApiException.invalid("messages", "'" + where + ".role' must be system, developer, user, assistant or tool");
        };
        JsonNode c = m.get("content");
        String content;
        if (c == null || c.isNull()) {
            if (!role.equals("assistant")) {
                throw ApiException.invalid("messages", "'" + where + ".content' is required");
            }
            content = "";
        } else if (c.isTextual()) {
            content = c.asText();
        } else if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.isObject() || part.get("type") == null || !"text".equals(part.get("type").asText())
                        || part.get("text") == null || !part.get("text").isTextual()) {
                    throw ApiException.invalid("messages", "'" + where + ".content' parts must be {\"type\": \"text\", \"text\": ...}; "
                            + "images and audio are not supported");
                }
                sb.append(part.get("text").asText());
            }
            content = sb.toString();
        } else {
            throw ApiException.invalid("messages", "'" + where + ".content' must be a string or an array of text parts");
        }
        List<ToolCall> calls = role.equals("assistant") ? toolCalls(m.get("tool_calls"), where) : List.of();
        Optional<String> callId = optionalText(m, "tool_call_id", where);
        Optional<String> name = optionalText(m, "name", where);
        Optional<String> reasoning = optionalText(m, "reasoning_content", where);
        return new ChatMessage(role, content, calls, callId, name, reasoning);
    }

    /** An assistant turn's {@code tool_calls}: {@code [{id, type: "function", function: {name, arguments}}]}. */
    private static List<ToolCall> toolCalls(JsonNode tc, String where) {
        if (tc == null || tc.isNull()) {
            return List.of();
        }
        String shape = "'" + where + ".tool_calls' must be an array of {\"id\": ..., \"type\": \"function\", "
                + "\"function\": {\"name\": ..., \"arguments\": \"{...}\"}}";
        if (!tc.isArray() || tc.size() > 128) {
            throw ApiException.invalid("messages", shape);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : tc) {
            JsonNode f = call.path("function");
            JsonNode args = f.path("arguments");
            if (!call.isObject() || !f.path("name").isTextual() || f.path("name").asText().isBlank()
                    || !(args.isTextual() || args.isObject() || args.isMissingNode())
                    || call.has("id") && !call.get("id").isTextual()) {
                throw ApiException.invalid("messages", shape);
            }
            String arguments = args.isMissingNode() ? "{}" : args.isTextual() ? args.asText() : args.toString();
            calls.add(new ToolCall(call.path("id").asText(""), f.get("name").asText(), arguments));
        }
        return calls;
    }

    private static Optional<String> optionalText(JsonNode m, String field, String where) {
        JsonNode n = m.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw ApiException.invalid("messages", "'" + where + "." + field + "' must be a string");
        }
        return Optional.of(n.asText());
    }

    private static int[] tokenIds(JsonNode arr, String param) {
        if (arr.size() > 1 << 20) {
            throw ApiException.invalid(param, "too many token ids");
        }
        int[] ids = new int[arr.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode e = arr.get(i);
            if (!e.isInt() || e.asInt() < 0) {
                throw ApiException.invalid(param, "'" + param + "' token ids must be non-negative integers");
            }
            ids[i] = e.asInt();
        }
        return ids;
    }

    static Optional<String> string(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw ApiException.invalid(field, "'" + field + "' must be a string");
        }
        return Optional.of(n.asText());
    }

    private static boolean bool(JsonNode root, String field, boolean dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw ApiException.invalid(field, "'" + field + "' must be true or false");
        }
        return n.asBoolean();
    }

    private static Optional<Double> number(JsonNode root, String field, double min, double max) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isNumber() || !Double.isFinite(n.asDouble()) || n.asDouble() < min || n.asDouble() > max) {
            throw ApiException.invalid(field, "'" + field + "' must be a number in [" + fmt(min) + ", " + fmt(max) + "]");
        }
        return Optional.of(n.asDouble());
    }

    static OptionalInt integer(JsonNode root, String field, int min, int max) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return OptionalInt.empty();
        }
        if (!n.isInt() || n.asInt() < min || n.asInt() > max) {
            throw ApiException.invalid(field, "'" + field + "' must be an integer in [" + min + ", " + max + "]");
        }
        return OptionalInt.of(n.asInt());
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

}
