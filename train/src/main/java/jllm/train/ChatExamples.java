package jllm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jllm.chat.ChatMessage;
import jllm.format.json.Json;

/**
 * Reads chat training data into conversations: JSONL of {@code {"messages": [{"role", "content"}...]}}
 * or ShareGPT {@code {"conversations": [{"from", "value"}...]}}, or a JSON array of Alpaca records
 * {@code {"instruction", "input", "output", "system"?}}. {@code {{key}}} placeholders are replaced from
 * the map given (as LLaMA-Factory's identity.json expects).
 */
public final class ChatExamples {
    private ChatExamples() {
    }

    /** The conversations of a file. */
    public static List<List<ChatMessage>> load(Path path, Map<String, String> placeholders) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
        }
        for (Map.Entry<String, String> e : placeholders.entrySet()) {
            text = text.replace("{{" + e.getKey() + "}}", e.getValue());
        }
        List<List<ChatMessage>> out = new ArrayList<>();
        if (path.getFileName().toString().endsWith(".jsonl")) {
            int n = 0;
            for (String line : text.split("\n")) {
                n++;
                if (!line.isBlank()) {
                    out.add(conversation(Json.parseObject(line, path + ":" + n), path + ":" + n));
                }
            }
        } else {
            if (!(Json.parse(text, path.toString()) instanceof List<?> records)) {
                throw new IllegalArgumentException(path + ": expected a JSON array of records");
            }
            int n = 0;
            for (Object r : records) {
                if (!(r instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException(path + ": record " + n + " is not an object");
                }
                out.add(conversation(m, path + " record " + n++));
            }
        }
        return out;
    }

    /** One record as a conversation. */
    static List<ChatMessage> conversation(Map<?, ?> r, String where) {
        List<ChatMessage> msgs = new ArrayList<>();
        if (r.get("messages") instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> m = (Map<?, ?>) o;
                msgs.add(new ChatMessage(string(m, "role", where), string(m, "content", where)));
            }
        } else if (r.get("conversations") instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> m = (Map<?, ?>) o;
                msgs.add(new ChatMessage(role(string(m, "from", where)), string(m, "value", where)));
            }
        } else if (r.get("instruction") instanceof String instruction) {
            if (r.get("system") instanceof String system && !system.isBlank()) {
                msgs.add(ChatMessage.system(system));
            }
            String input = r.get("input") instanceof String s ? s : "";
            msgs.add(ChatMessage.user(input.isBlank() ? instruction : instruction + "\n\n" + input));
            msgs.add(ChatMessage.assistant(string(r, "output", where)));
        } else {
            throw new IllegalArgumentException(where + ": expected \"messages\", \"conversations\" or an Alpaca \"instruction\"");
        }
        return msgs;
    }

    /** ShareGPT speaker names as chat roles. */
    static String role(String from) {
        return switch (from) {
            case "human", "user" -> "user";
            case "gpt", "assistant" -> "assistant";
            case "system" -> "system";
            default -> from;
        };
    }

    private static String string(Map<?, ?> m, String key, String where) {
        if (!(m.get(key) instanceof String s)) {
            throw new IllegalArgumentException(where + ": \"" + key + "\" must be a string");
        }
        return s;
    }
}
