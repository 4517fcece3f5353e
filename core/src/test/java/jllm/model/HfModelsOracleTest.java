package jllm.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jllm.testing.SharedData;
import jllm.format.json.Json;
import jllm.kernel.Kernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every family's Hugging Face oracle folder (testdata/hf-models: random weights, transformers' float32
 * logits of two prompts and a greedy continuation) loaded from the folder as it is: logits within
 * 1e-3 of transformers' at every position, and the same 24 greedy tokens.
 */
public class HfModelsOracleTest {
    /** The oracle folders of the families jllm runs; one line each. */
    static Stream<String> folders() {
        return Stream.of(
                "llama-base",
                "qwen2-base",
                "qwen3-base",
                "qwen3-tied",
                "phi3-base",
                "phi3-longrope",
                "granite-base",
                "smollm3-base",
                "olmo2-base",
                "gemma2-base",
                "gemma3-text-base",
                "gemma3-text-scaled",
                "qwen3-moe-base",
                "mixtral-base",
                "gpt-oss-base",
                "mamba-base");
    }

    private static Kernels kernels;

    @BeforeAll
    static void setUp() {
        kernels = Kernels.best();
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void folderMatchesTransformers(String name) throws Exception {
        Path dir = SharedData.require("testdata/hf-models/" + name);
        try (ModelSource src = ModelSources.safetensors(dir)) {
            LanguageModel m = Architectures.forSource(src).load(src, kernels);
            assertMatchesReference(m, dir, name, 1e-3);
        }
    }

    /** Loads {@code src} (with kernels of its own) and checks it as the next method does, within 1e-3. */
    public static void assertMatchesReference(ModelSource src, Path dir, String name) throws Exception {
        try (Kernels k = Kernels.best()) {
            assertMatchesReference(Architectures.forSource(src).load(src, k), dir, name, 1e-3);
        }
    }

    /**
     * Teacher-forced logits of both prompts within {@code maxAbs} of transformers' (F32 KV cache, as the
     * reference), and greedy decoding reproduces the reference's 24 tokens.
     */
    @SuppressWarnings("unchecked")
    public static void assertMatchesReference(LanguageModel m, Path dir, String name, double maxAbs) throws Exception {
        for (String prompt : List.of("short", "long")) {
            Lgts ref = Lgts.read(dir.resolve(name + "." + prompt + ".lgts"));
            float[] got = m.forward(m.newCache(ref.tokens().length, KvCache.Type.F32), ref.tokens(), LanguageModel.Logits.ALL);
            LogitMetrics lm = LogitMetrics.compare(ref.logits(), got, ref.vocab());
            System.out.printf("%-20s %-5s %s%n", name, prompt, lm);
            assertThat(lm.maxAbs()).as("%s %s: max |logit diff|", name, prompt).isLessThanOrEqualTo(maxAbs);
        }
        Map<String, Object> ref = Json.parseObject(Files.readString(dir.resolve(name + ".ref.json")), "ref.json");
        Map<String, Object> greedy = (Map<String, Object>) ref.get("greedy");
        int[] prompt = ints(((Map<String, Object>) ((List<Object>) ref.get("prompts")).get(0)).get("tokens"));
        int[] expected = ints(greedy.get("tokens"));
        KvCache cache = m.newCache(prompt.length + expected.length, KvCache.Type.F32);
        float[] logits = m.forward(cache, prompt, LanguageModel.Logits.LAST);
        int[] got = new int[expected.length];
        for (int i = 0; i < got.length; i++) {
            got[i] = argmax(logits);
            if (i + 1 < got.length) {
                logits = m.forward(cache, new int[] {got[i]}, LanguageModel.Logits.LAST);
            }
        }
        assertThat(got).as("%s: greedy tokens", name).containsExactly(expected);
    }

    /** The index of the largest logit (the first on ties). */
    public static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    @SuppressWarnings("unchecked")
    static int[] ints(Object list) {
        return ((List<Number>) list).stream().mapToInt(Number::intValue).toArray();
    }
}
