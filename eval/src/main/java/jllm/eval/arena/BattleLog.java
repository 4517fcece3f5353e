package jllm.eval.arena;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Decided battles as JSON Lines, one object per line with FastChat's field names: {@code model_a},
 * {@code model_b}, {@code winner} ({@code model_a}, {@code model_b}, {@code tie}, {@code tie (bothbad)}),
 * {@code prompt}, {@code answer_a}, {@code answer_b}, {@code judge} and {@code timestamp} (seconds since
 * the epoch, as FastChat's {@code tstamp}; an ISO-8601 string is accepted too). jllm also writes
 * {@code sampler} and {@code seed}, and reads them when present.
 */
public final class BattleLog {
    private BattleLog() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Lines longer than this are refused (a battle is a prompt and two answers, not megabytes). */
    public static final int MAX_LINE_CHARS = 4 << 20;

    /** Writes every decided battle of {@code store}; returns how many. */
    public static int export(ArenaStore store, Writer out) throws IOException {
        int n = 0;
        for (Battle b : store.decided()) {
            Battle.Vote v = b.vote().orElseThrow();
            ObjectNode o = JSON.createObjectNode().put("model_a", b.modelA()).put("model_b", b.modelB())
                    .put("winner", v.outcome().label()).put("prompt", b.prompt()).put("answer_a", b.answerA())
                    .put("answer_b", b.answerB()).put("judge", v.judge()).put("timestamp", v.time().toEpochMilli() / 1000.0)
                    .put("sampler", b.sampler()).put("seed", b.seed());
            out.write(JSON.writeValueAsString(o));
            out.write('\n');
            n++;
        }
        out.flush();
        return n;
    }

    /**
     * Reads battles line by line into {@code store} (each line its own transaction); blank lines are skipped.
     *
     * @return how many were stored
     * @throws IllegalArgumentException naming the line of the first bad record; the lines before it stay stored
     */
    public static int importInto(ArenaStore store, BufferedReader in) throws IOException {
        int n = 0;
        int lineNo = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (line.length() > MAX_LINE_CHARS) {
                throw new IllegalArgumentException("line " + lineNo + " has " + line.length() + " characters; at most "
                        + MAX_LINE_CHARS + " are accepted");
            }
            JsonNode o;
            try {
                o = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("line " + lineNo + " is not JSON: " + e.getOriginalMessage());
            }
            if (!o.isObject()) {
                throw new IllegalArgumentException("line " + lineNo + " is not a JSON object");
            }
            String a = text(o, "model_a", lineNo);
            String b = text(o, "model_b", lineNo);
            if (a.equals(b)) {
                throw new IllegalArgumentException("line " + lineNo + ": model_a and model_b are both " + a);
            }
            String w = text(o, "winner", lineNo);
            int at = lineNo;
            Outcome outcome = Outcome.of(w).orElseThrow(() -> new IllegalArgumentException("line " + at
                    + ": winner must be model_a, model_b, tie or tie (bothbad), got '" + w + "'"));
            store.addDecided(time(o.get("timestamp"), lineNo), optional(o, "prompt"), a, b, optional(o, "answer_a"),
                    optional(o, "answer_b"), o.hasNonNull("sampler") ? o.get("sampler").asText() : "{}",
                    o.path("seed").asLong(0), outcome, o.hasNonNull("judge") ? o.get("judge").asText() : "imported");
            n++;
        }
        return n;
    }

    private static String text(JsonNode o, String field, int line) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("line " + line + ": '" + field + "' must be a non-empty string");
        }
        return v.asText();
    }

    private static String optional(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? "" : v.isTextual() ? v.asText() : v.toString();
    }

    private static Instant time(JsonNode t, int line) {
        if (t == null || t.isNull()) {
            return Instant.now();
        }
        if (t.isNumber()) {
            return Instant.ofEpochMilli(Math.round(t.asDouble() * 1000));
        }
        try {
            return Instant.parse(t.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("line " + line + ": timestamp must be seconds since the epoch or ISO-8601, got "
                    + t);
        }
    }
}
