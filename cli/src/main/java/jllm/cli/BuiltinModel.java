package jllm.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model jllm runs when none is given: {@code models/builtin.gguf} in the jllm folder, which the
 * launcher passes as {@code -Djllm.home} (else the current folder).
 */
final class BuiltinModel {
    /** How run, chat, serve and tokenize take a model. */
    static final String AS_ARGUMENT = "give a model file or folder (.gguf, llama2.c .bin or a safetensors folder) as MODEL";
    /** How zip and unzip take a model. */
    static final String AS_OPTION = "give one with --model FILE";

    private BuiltinModel() {
    }

    /** What it can do, as its card (docs/models/jllm-tiny.md) says: the chat page shows this before the first message. */
    static final String DESCRIPTION = "A tiny model that jllm trained itself to show the whole pipeline: it writes short, "
            + "simple children's stories (try \"Tell me a story about a cat\") and answers \"Who are you?\"; not much else.";

    /** Whether {@code p} is the built-in model's file. */
    static boolean is(Path p) {
        return p.toAbsolutePath().normalize().equals(file().toAbsolutePath().normalize());
    }

    /** Where the built-in model's file is: models/builtin.gguf under jllm.home (the launcher's folder). */
    private static Path file() {
        String home = System.getProperty("jllm.home");
        return Path.of(home == null ? "." : home).resolve("models").resolve("builtin.gguf");
    }

    static Path path(String howToGiveOne) {
        String home = System.getProperty("jllm.home");
        Path p = file();
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("no model given, and the built-in model is missing: no " + p
                    + (home == null ? " (the ./jllm launcher looks in its own folder; with java -jar, pass -Djllm.home=FOLDER)" : "")
                    + "; " + howToGiveOne);
        }
        return p;
    }

    static Path orDefault(Path given) {
        return orDefault(given, AS_ARGUMENT);
    }

    static Path orDefault(Path given, String howToGiveOne) {
        return given != null ? given : path(howToGiveOne);
    }
}
