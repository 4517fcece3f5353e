package jllm.model.qwen3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import jllm.testing.SharedData;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.Transformers4Config;
import jllm.model.HfModelsOracleTest;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Qwen3 oracle folders with config.json in the transformers 4 style (top-level {@code rope_theta},
 * no {@code rope_parameters}), as most Qwen3 checkpoints on the hub are saved: the same logits and
 * greedy tokens as transformers, so the rope base is read from either style.
 */
class Qwen3ConfigStylesTest {

    @ParameterizedTest
    @ValueSource(strings = {"qwen3-base", "qwen3-tied"})
    void transformers4ConfigMatchesTransformers(String name, @TempDir Path tmp) throws Exception {
        Path dir = Transformers4Config.copy(SharedData.require("testdata/hf-models/" + name), tmp.resolve(name), cfg -> { });
        assertThat(Files.readString(dir.resolve("config.json"))).contains("\"rope_theta\": 1000000.0")
                .doesNotContain("rope_parameters");
        try (Kernels kernels = Kernels.best(); ModelSource src = ModelSources.safetensors(dir)) {
            LanguageModel m = Architectures.forSource(src).load(src, kernels);
            assertThat(m.info().ropeTheta()).isEqualTo(1e6f);
            HfModelsOracleTest.assertMatchesReference(m, dir, name, 1e-3);
        }
    }
}
