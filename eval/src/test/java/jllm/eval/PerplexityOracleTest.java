package jllm.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import jllm.SharedData;
import jllm.format.json.Json;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import org.junit.jupiter.api.Test;

/** Perplexity on the shared text within 0.1% of llama-perplexity (F32 model, reference token ids). */
class PerplexityOracleTest {

    @Test
    @SuppressWarnings("unchecked")
    void stories260kF32WithinOneThousandth() throws Exception {
        Path dir = SharedData.require("testdata/models");
        Map<String, Object> ref = Json.parseObject(Files.readString(dir.resolve("stories260K/stories260K-F32.ref.json")), "ref");
        Map<String, Object> ppl = (Map<String, Object>) ref.get("perplexity");
        double expected = ((Number) ppl.get("final_ppl")).doubleValue();
        Object tok = Json.parse(Files.readString(dir.resolve("inputs/ppl-text.tokens.tok512-stories.json")), "tokens");
        List<Object> ids = tok instanceof Map<?, ?> m ? (List<Object>) m.get("tokens") : (List<Object>) tok;
        int[] tokens = ids.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        try (ModelSource src = ModelSources.gguf(dir.resolve("stories260K/stories260K-F32.gguf")); Kernels k = Kernels.best()) {
            LanguageModel model = Architectures.forSource(src).load(src, k);
            Perplexity.Result r = Perplexity.compute(model, tokens, 128, OptionalInt.of(1), c -> { });
            assertThat(r.chunks()).hasSize(((Number) ppl.get("n_chunks")).intValue());
            assertThat(Math.abs(r.ppl() / expected - 1)).isLessThan(0.001);
        }
    }
}
