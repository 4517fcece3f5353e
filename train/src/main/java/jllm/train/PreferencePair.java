package jllm.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import jllm.chat.ChatMessage;
import jllm.format.json.Json;

/**
 * One comparison: a conversation so far and two candidate replies, the preferred one first.
 *
 * @param prompt   the conversation before the reply
 * @param chosen   the preferred reply
 * @param rejected the other reply
 */
public record PreferencePair(List<ChatMessage> prompt, String chosen, String rejected) {

    /**
     * Reads pairs: LLaMA-Factory's ShareGPT JSON ({@code conversations}, {@code chosen: {from, value}},
     * {@code rejected}), Anthropic HH-RLHF JSONL (optionally gzipped; {@code chosen}/{@code rejected}
     * transcripts "\n\nHuman: ...\n\nAssistant: ..." differing in the last reply), or JSONL of
     * {@code {"prompt": "..." or [messages], "chosen": "...", "rejected": "..."}}. Transcript pairs that differ
     * before their last reply are skipped.
     */
    public static List<PreferencePair> load(Path path) {
        String name = path.getFileName().toString();
        List<PreferencePair> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(path);
             InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (name.endsWith(".jsonl") || name.endsWith(".jsonl.gz")) {
                String line;
                int n = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (!line.isBlank()) {
                        PreferencePair p = of(Json.parseObject(line, path + ":" + n), path + ":" + n);
                        if (p != null) {
                            out.add(p);
                        }
                    }
                }
            } else {
                StringBuilder sb = new StringBuilder();
                char[] buf = new char[1 << 16];
                int k;
                while ((k = r.read(buf)) > 0) {
                    sb.append(buf, 0, k);
                }
                if (!(Json.parse(sb.toString(), path.toString()) instanceof List<?> records)) {
                    throw new IllegalArgumentException(path + ": expected a JSON array of preference records");
                }
                int n = 0;
                for (Object o : records) {
                    out.add(of((Map<?, ?>) o, path + " record " + n++));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
        }
        return out;
    }

    static PreferencePair of(Map<?, ?> m, String where) {
        if (m.get("conversations") instanceof List<?> && m.get("chosen") instanceof Map<?, ?> c && m.get("rejected") instanceof Map<?, ?> rj) {
            List<ChatMessage> prompt = ChatExamples.conversation(Map.of("conversations", m.get("conversations")), where);
            return new PreferencePair(prompt, (String) c.get("value"), (String) rj.get("value"));
        }
        if (m.get("chosen") instanceof String c && m.get("rejected") instanceof String rj) {
            if (m.get("prompt") instanceof String p) {
                return new PreferencePair(List.of(ChatMessage.user(p)), c, rj);
            }
            if (m.get("prompt") instanceof List<?> list) {
                return new PreferencePair(ChatExamples.conversation(Map.of("messages", list), where), c, rj);
            }
            List<ChatMessage> ct = transcript(c);
            List<ChatMessage> rt = transcript(rj);
            if (ct.isEmpty() || rt.isEmpty() || !ct.getLast().role().equals("assistant") || !rt.getLast().role().equals("assistant")
                    || !ct.subList(0, ct.size() - 1).equals(rt.subList(0, rt.size() - 1))) {
                // a few HH-RLHF records differ earlier (turns glued together); they are not comparisons of one reply
                return null;
            }
            return new PreferencePair(ct.subList(0, ct.size() - 1), ct.getLast().content(), rt.getLast().content());
        }
        throw new IllegalArgumentException(where + ": not a preference record (chosen/rejected)");
    }

    /** "\n\nHuman: a\n\nAssistant: b ..." as messages. */
    static List<ChatMessage> transcript(String t) {
        List<ChatMessage> out = new ArrayList<>();
        String[] parts = t.split("\n\n(?=(Human|Assistant): )");
        for (String p : parts) {
            if (p.startsWith("Human: ")) {
                out.add(ChatMessage.user(p.substring(7).strip()));
            } else if (p.startsWith("Assistant: ")) {
                out.add(ChatMessage.assistant(p.substring(11).strip()));
            } else if (!p.isBlank() && !out.isEmpty()) {
                ChatMessage last = out.removeLast();
                out.add(new ChatMessage(last.role(), last.content() + "\n\n" + p.strip()));
            }
        }
        return out;
    }
}
