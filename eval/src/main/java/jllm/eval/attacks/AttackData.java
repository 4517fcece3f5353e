package jllm.eval.attacks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Readers for the attack data sets in {@code ../shared/data/prompt-injection} (see its SOURCE.md), shared by
 * the guard's training data ({@code jllm.train.guard.GuardData}) and the red-team harness
 * ({@code jllm.eval.redteam}). Every reader names the file in its error messages; none guesses a layout.
 *
 * <pre>{@code
 * Path dir = Path.of("../shared/data/prompt-injection");
 * List<List<String>> rows = AttackData.csvRows(dir.resolve("advbench/harmful_behaviors.csv"), "goal");
 * Map<String, List<String>> attacks = AttackData.bipiaAttacks(dir.resolve("bipia/text_attack_test.json"));
 * }</pre>
 */
public final class AttackData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AttackData() {
    }

    /** A BIPIA e-mail: its text, the question a user asks about it, and the ideal answer. */
    public record Email(String context, String question, String ideal) {
    }

    /**
     * The data rows of an RFC 4180 CSV file whose header's first field is {@code firstHeader} (blank
     * lines dropped; the header is not returned).
     */
    public static List<List<String>> csvRows(Path csv, String firstHeader) {
        List<List<String>> rows = Csv.parse(text(csv), csv.toString());
        if (rows.isEmpty() || !rows.getFirst().getFirst().equals(firstHeader)) {
            throw new IllegalArgumentException(csv + ": expected a CSV whose header starts with " + firstHeader);
        }
        return rows.subList(1, rows.size()).stream().filter(r -> !(r.size() == 1 && r.getFirst().isBlank())).toList();
    }

    /** BIPIA's {@code {category: [instruction, ...]}}, in file order. */
    public static Map<String, List<String>> bipiaAttacks(Path json) {
        JsonNode root = json(json);
        if (!root.isObject()) {
            throw new IllegalArgumentException(json + ": expected {category: [attack instruction, ...]}");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (var category : root.properties()) {
            List<String> list = new ArrayList<>();
            for (JsonNode s : category.getValue()) {
                list.add(s.asText());
            }
            out.put(category.getKey(), List.copyOf(list));
        }
        return out;
    }

    /** BIPIA's e-mail QA contexts, one JSON object {@code {context, question, ideal}} per line. */
    public static List<Email> bipiaEmails(Path jsonl) {
        List<Email> out = new ArrayList<>();
        for (String line : text(jsonl).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = json(jsonl, line);
            String context = n.path("context").asText("");
            String question = n.path("question").asText("");
            if (context.isBlank() || question.isBlank()) {
                throw new IllegalArgumentException(jsonl + ": a line has no context or question");
            }
            out.add(new Email(context, question, n.path("ideal").asText("")));
        }
        return out;
    }

    /**
     * The first human turns of Anthropic's HH-RLHF dialogues ({@code {"chosen": "\n\nHuman: ...\n\nAssistant: ..."}}
     * per line; gzip when the name ends in {@code .gz}), in file order.
     */
    public static List<String> hhRlhfFirstTurns(Path jsonl) {
        String text;
        if (jsonl.getFileName().toString().endsWith(".gz")) {
            check(jsonl);
            try (InputStream in = new GZIPInputStream(Files.newInputStream(jsonl))) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                text = bytes.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException(jsonl + " is not a readable gzip file: " + e.getMessage());
            }
        } else {
            text = text(jsonl);
        }
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String dialogue = json(jsonl, line).path("chosen").asText("");
            int human = dialogue.indexOf("Human:");
            if (human < 0) {
                throw new IllegalArgumentException(jsonl + ": a dialogue has no 'Human:' turn");
            }
            int end = dialogue.indexOf("\n\nAssistant:", human);
            String turn = dialogue.substring(human + "Human:".length(), end < 0 ? dialogue.length() : end).strip();
            if (!turn.isEmpty()) {
                out.add(turn);
            }
        }
        return out;
    }

    /** A whole JSON file, parsed. */
    public static JsonNode json(Path file) {
        return json(file, text(file));
    }

    private static JsonNode json(Path file, String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage());
        }
    }

    /** A whole text file (UTF-8); a missing file is an {@link IllegalArgumentException} naming it. */
    public static String text(Path file) {
        check(file);
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
        }
    }

    private static void check(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("data file " + file + " does not exist");
        }
    }
}
