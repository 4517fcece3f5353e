package jllm.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;

import jllm.testing.SharedData;
import jllm.format.json.Json;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Perplexity of every shared model on the shared text (reference token ids, -c 128) within 0.1% of
 * llama-perplexity's for F32/F16/BF16 files and within 0.5% for quantized ones.
 */
class PerplexityOracleTest {
    private static Kernels kernels;

    @BeforeAll
    static void setUp() {
        kernels = Kernels.best();
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
    }

    static Stream<String> models() throws Exception {
        return SharedData.manifestModels();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    @SuppressWarnings("unchecked")
    void matchesLlamaPerplexity(String file) throws Exception {
        Path dir = SharedData.require("testdata/models");
        Path gguf = dir.resolve(file);
        String name = gguf.getFileName().toString().replace(".gguf", "");
        Map<String, Object> ref = Json.parseObject(Files.readString(gguf.resolveSibling(name + ".ref.json")), "ref");
        Map<String, Object> ppl = (Map<String, Object>) ref.get("perplexity");
        double expected = ((Number) ppl.get("final_ppl")).doubleValue();
        Map<String, Object> tok = Json.parseObject(Files.readString(dir.resolve((String) ppl.get("tokens_file"))), "tokens");
        int[] tokens = ((List<Object>) tok.get("tokens")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        boolean addBos = Boolean.TRUE.equals(ppl.get("add_bos"));
        try (ModelSource src = ModelSources.gguf(gguf)) {
            LanguageModel model = Architectures.forSource(src).load(src, kernels);
            Perplexity.Result r = Perplexity.compute(model, tokens, ((Number) ppl.get("n_ctx")).intValue(),
                    addBos ? OptionalInt.of(tokens[0]) : OptionalInt.empty(), c -> { });
            assertThat(r.chunks()).hasSize(((Number) ppl.get("n_chunks")).intValue());
            String quant = name.substring(name.lastIndexOf('-') + 1);
            double budget = quant.startsWith("F") || quant.equals("BF16") ? 0.001 : 0.005;
            double rel = Math.abs(r.ppl() / expected - 1);
            System.out.printf("%-24s PPL %.4f  llama.cpp %.4f  rel diff %.2e%n", name, r.ppl(), expected, rel);
            assertThat(rel).isLessThan(budget);
        }
    }
}
