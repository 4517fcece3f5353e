package jllm.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

import jllm.format.json.Json;

/**
 * Streams the documents of training files one at a time (never a whole file in memory): JSONL
 * ({@code .jsonl}, optionally {@code .gz}) gives one document per line from its {@code "text"} field;
 * plain text gives one document per {@code <|endoftext|>}-separated part, or per blank-line-separated
 * paragraph with {@link Split#PARAGRAPH}, or the whole file with {@link Split#FILE}.
 */
public final class Documents {

    /** How plain text is cut into documents. */
    public enum Split {
        /** Paragraphs separated by blank lines (and {@code <|endoftext|>}). */
        PARAGRAPH,
        /** Parts separated by {@code <|endoftext|>}; a file without it is one document. */
        ENDOFTEXT,
        /** The whole file. */
        FILE
    }

    /** The document separator in plain text. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    private Documents() {
    }

    /** Calls {@code sink} with every non-empty document of {@code path}, trimmed of surrounding whitespace. */
    public static void read(Path path, Split split, Consumer<String> sink) {
        String name = path.getFileName().toString();
        try (InputStream raw = Files.newInputStream(path);
             InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            if (name.endsWith(".jsonl") || name.endsWith(".jsonl.gz")) {
                String line;
                long n = 0;
                while ((line = r.readLine()) != null) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    Map<String, Object> o = Json.parseObject(line, path + ":" + n);
                    if (!(o.get("text") instanceof String text)) {
                        throw new IllegalArgumentException(path + ":" + n + ": a JSONL training line needs a \"text\" string");
                    }
                    emit(text, sink);
                }
                return;
            }
            StringBuilder doc = new StringBuilder();
            String line;
            while ((line = r.readLine()) != null) {
                int eot;
                while ((eot = line.indexOf(END_OF_TEXT)) >= 0 && split != Split.FILE) {
                    doc.append(line, 0, eot);
                    emit(doc.toString(), sink);
                    doc.setLength(0);
                    line = line.substring(eot + END_OF_TEXT.length());
                }
                if (split == Split.PARAGRAPH && line.isBlank()) {
                    emit(doc.toString(), sink);
                    doc.setLength(0);
                    continue;
                }
                doc.append(line).append('\n');
            }
            emit(doc.toString(), sink);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
        }
    }

    private static void emit(String doc, Consumer<String> sink) {
        String t = doc.strip();
        if (!t.isEmpty()) {
            sink.accept(t);
        }
    }
}
