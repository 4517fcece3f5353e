package jllm.compress;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import jllm.model.LoadedModel;

/** The built-in model (models/builtin.gguf in the repository), opened with a given thread count. */
final class TestModels {
    static final Path BUILTIN = Path.of("..", "models", "builtin.gguf");

    private TestModels() {
    }

    static LoadedModel builtin(int threads) {
        assumeTrue(Files.exists(BUILTIN), "skipped: " + BUILTIN.toAbsolutePath() + " is missing");
        return LoadedModel.open(BUILTIN, new LoadedModel.Options(Optional.empty(), threads));
    }

    static byte[] builtinSha() {
        return ModelHash.of(BUILTIN);
    }
}
