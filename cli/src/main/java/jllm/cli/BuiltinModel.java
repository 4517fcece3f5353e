package jllm.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The model jllm runs when none is given: {@code models/builtin.gguf} in the jllm folder. */
final class BuiltinModel {
    private BuiltinModel() {
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
