package jllm.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The model jllm runs when none is given: {@code models/builtin.gguf} in the jllm folder. */
final class BuiltinModel {
    private BuiltinModel() {
    }

    /** What it can do, as its card (docs/models/jllm-tiny.md) says: the chat page shows this before the first message. */
    static final String DESCRIPTION = "A tiny model that jllm trained itself to show the whole pipeline: it writes short, "
            + "simple children's stories (try \"Tell me a story about a cat\") and answers \"Who are you?\"; not much else.";

    /** Whether {@code p} is the built-in model's file. */
    static boolean is(Path p) {
        String home = System.getProperty("jllm.home");
        Path builtin = Path.of(home == null ? "." : home).resolve("models").resolve("builtin.gguf");
        return p.toAbsolutePath().normalize().equals(builtin.toAbsolutePath().normalize());
    }

    static Path path() {
        String home = System.getProperty("jllm.home");
        Path p = Path.of(home == null ? "." : home).resolve("models").resolve("builtin.gguf");
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("no model given and the built-in model " + p
                    + " is missing; pass a model file (.gguf, llama2.c .bin or a safetensors folder)");
        }
        return p;
    }

    static Path orDefault(Path given) {
        return given != null ? given : path();
    }
}
