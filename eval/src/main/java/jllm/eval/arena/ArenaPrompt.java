package jllm.eval.arena;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A prompt for automatic battles, with what a correct answer must contain when it is known.
 * A prompt file is JSON Lines: {@code {"prompt": "Who are you?", "expect": ["jllm-tiny"]}}; {@code expect}
 * may be left out when only a judge model will decide.
 *
 * @param prompt the user's message
 * @param expect strings a correct answer contains, every one of them, ignoring case (empty = unknown)
 */
public record ArenaPrompt(String prompt, List<String> expect) {
    public ArenaPrompt {
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("a prompt must not be blank");
        }
        expect = List.copyOf(expect);
    }

    /** Largest prompt file read. */
    public static final long MAX_FILE_BYTES = 64L << 20;

    /** Reads a prompt file; a bad line is named in the message. */
    public static List<ArenaPrompt> read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + " has " + size + " bytes; prompt files are limited to " + MAX_FILE_BYTES);
        }
        ObjectMapper json = new ObjectMapper();
        List<ArenaPrompt> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode o;
            try {
                o = json.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(file + " line " + lineNo + " is not JSON: " + e.getOriginalMessage());
            }
            JsonNode p = o.get("prompt");
            if (p == null || !p.isTextual() || p.asText().isBlank()) {
                throw new IllegalArgumentException(file + " line " + lineNo + ": 'prompt' must be a non-empty string");
            }
            List<String> expect = new ArrayList<>();
            JsonNode e = o.get("expect");
            if (e != null && !e.isNull()) {
                if (!e.isArray()) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": 'expect' must be a list of strings");
                }
                for (JsonNode x : e) {
                    if (!x.isTextual() || x.asText().isEmpty()) {
                        throw new IllegalArgumentException(file + " line " + lineNo + ": 'expect' must hold non-empty strings");
                    }
                    expect.add(x.asText());
                }
            }
            out.add(new ArenaPrompt(p.asText(), expect));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no prompts");
        }
        return out;
    }
}
