package jllm.chat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real chat templates in {@code ../shared/data/tokenizers/chat-templates} (see its SOURCE.md). */
final class TemplateCorpus {

    static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("You are helpful."),
            ChatMessage.user("Hi there"),
            ChatMessage.assistant("Hello! How can I help?"),
            ChatMessage.user("What is 2+2?"));

    private TemplateCorpus() {
    }

    static Path folder() {
        String shared = System.getProperty("jllm.shared", "../../shared");
        Path dir = Path.of(shared, "data", "tokenizers", "chat-templates");
        if (!Files.isDirectory(dir)) {
            dir = Path.of("../../shared/data/tokenizers/chat-templates");
        }
        Path found = dir;
        assumeTrue(Files.isDirectory(found), () -> "skipped: the shared chat templates are not at " + found.toAbsolutePath()
                + " (set -Djllm.shared=/path/to/shared)");
        return found;
    }

    static List<Path> templates() {
        try (Stream<Path> files = Files.list(folder())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jinja")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String fileName) {
        try {
            return Files.readString(folder().resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
