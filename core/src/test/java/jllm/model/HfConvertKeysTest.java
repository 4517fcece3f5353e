package jllm.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.model.hf.HfGgufExport;
import jllm.model.hf.HfGgufExport.OutType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The keys {@code jllm convert} writes, family by family, in the order llama.cpp's
 * {@code convert_hf_to_gguf.py} (34af94cd9) wrote them for the same folders: its files and jllm's were
 * byte-identical in F32, F16, BF16 and Q8_0. Where that converter cannot read the folder's tokenizer
 * (Phi-3 without a GPT2Tokenizer class, Gemma 2 without tokenizer.model), the lists are its output
 * for the same folder with the tokenizer.json vocabulary. The one key jllm adds on purpose here is
 * gemma3's {@code attention.sliding_window_pattern}: the oracle folders have 2 local : 1 global layers,
 * which llama.cpp would otherwise take for its fixed 5 : 1.
 */
class HfConvertKeysTest {
    private static final String COMMON = "block_count context_length embedding_length feed_forward_length "
            + "attention.head_count attention.head_count_kv";

    static Stream<Arguments> oracleFolders() {
        return Stream.of(
                Arguments.of("qwen2-base", head("qwen2", COMMON + " rope.freq_base attention.layer_norm_rms_epsilon general.file_type")),
                Arguments.of("qwen3-base", head("qwen3", COMMON + " rope.freq_base attention.layer_norm_rms_epsilon "
                        + "attention.key_length attention.value_length general.file_type")),
                Arguments.of("qwen3-tied", head("qwen3", COMMON + " rope.freq_base attention.layer_norm_rms_epsilon "
                        + "attention.key_length attention.value_length general.file_type")),
                Arguments.of("granite-base", head("granite", COMMON + " rope.freq_base attention.layer_norm_rms_epsilon "
                        + "general.file_type vocab_size rope.dimension_count attention.scale embedding_scale residual_scale logit_scale")),
                Arguments.of("smollm3-base", head("smollm3", COMMON + " rope.freq_base attention.layer_norm_rms_epsilon "
                        + "attention.key_length attention.value_length general.file_type vocab_size rope.dimension_count")),
                Arguments.of("olmo2-base", head("olmo2", COMMON + " rope.freq_base attention.layer_norm_rms_epsilon general.file_type")),
                // Phi3MiniModel's own keys: the file type before the window
                Arguments.of("phi3-base", head("phi3", "context_length rope.scaling.original_context_length embedding_length "
                        + "feed_forward_length block_count attention.head_count attention.head_count_kv "
                        + "attention.layer_norm_rms_epsilon rope.dimension_count rope.freq_base general.file_type attention.sliding_window")),
                // the LongRoPE attention factor is written with the factor tensors, before any other key
                Arguments.of("phi3-longrope", keys("phi3", "general.architecture rope.scaling.attn_factor general.type general.name "
                        + "general.size_label context_length rope.scaling.original_context_length embedding_length "
                        + "feed_forward_length block_count attention.head_count attention.head_count_kv "
                        + "attention.layer_norm_rms_epsilon rope.dimension_count rope.freq_base general.file_type "
                        + "attention.sliding_window general.quantization_version")),
                // Gemma2Model's own keys: the file type before the soft-caps
                Arguments.of("gemma2-base", head("gemma2", "context_length embedding_length block_count feed_forward_length "
                        + "attention.head_count attention.head_count_kv attention.layer_norm_rms_epsilon attention.key_length "
                        + "attention.value_length general.file_type attn_logit_softcapping final_logit_softcapping attention.sliding_window")),
                // TextModel's rope keys in their place: the local base after the global one
                Arguments.of("gemma3-text-base", head("gemma3", COMMON + " rope.freq_base rope.freq_base_swa "
                        + "attention.layer_norm_rms_epsilon attention.key_length attention.value_length general.file_type "
                        + "attention.sliding_window attention.sliding_window_pattern")),
                Arguments.of("gemma3-text-scaled", head("gemma3", COMMON + " rope.scaling.type rope.scaling.factor rope.freq_base "
                        + "rope.freq_base_swa attention.layer_norm_rms_epsilon attention.key_length attention.value_length "
                        + "general.file_type attention.sliding_window attention.sliding_window_pattern")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oracleFolders")
    void oracleFolderKeysAreTheConverters(String folder, List<String> expected, @TempDir Path tmp) throws IOException {
        assertThat(modelKeys(SharedData.require("testdata/hf-models/" + folder), tmp)).containsExactlyElementsOf(expected);
    }

    /**
     * Configs as released checkpoints carry them (transformers 4 keys, {@link Transformers4Config}), with
     * rope scaling: the scaling keys sit between the head counts and the rope base, as TextModel writes them.
     */
    static Stream<Arguments> releasedStyleConfigs() {
        return Stream.of(
                Arguments.of("llama-base", (Consumer<Map<String, Object>>) c -> c.put("rope_scaling", Map.of("rope_type", "linear", "factor", 2.0)),
                        head("llama", COMMON + " rope.scaling.type rope.scaling.factor rope.freq_base attention.layer_norm_rms_epsilon "
                                + "attention.key_length attention.value_length general.file_type vocab_size rope.dimension_count")),
                Arguments.of("qwen3-base", (Consumer<Map<String, Object>>) c -> c.put("rope_scaling", Map.of("type", "yarn", "factor", 4.0,
                                "original_max_position_embeddings", 64L, "beta_fast", 32.0, "beta_slow", 1.0)),
                        head("qwen3", COMMON + " rope.scaling.type rope.scaling.factor rope.scaling.original_context_length "
                                + "rope.scaling.yarn_beta_fast rope.scaling.yarn_beta_slow rope.freq_base attention.layer_norm_rms_epsilon "
                                + "attention.key_length attention.value_length general.file_type")),
                Arguments.of("granite-base", (Consumer<Map<String, Object>>) c -> c.put("rope_scaling", Map.of("rope_type", "linear", "factor", 2.0)),
                        head("granite", COMMON + " rope.scaling.type rope.scaling.factor rope.freq_base attention.layer_norm_rms_epsilon "
                                + "general.file_type vocab_size rope.dimension_count attention.scale embedding_scale residual_scale logit_scale")),
                // Gemma 3 as released: 5 local layers to 1 global, so no pattern key, exactly the converter's file
                Arguments.of("gemma3-text-scaled", (Consumer<Map<String, Object>>) c -> {
                    c.remove("layer_types");
                    c.put("sliding_window_pattern", 6L);
                }, head("gemma3", COMMON + " rope.scaling.type rope.scaling.factor rope.freq_base rope.freq_base_swa "
                        + "attention.layer_norm_rms_epsilon attention.key_length attention.value_length general.file_type "
                        + "attention.sliding_window")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releasedStyleConfigs")
    void releasedStyleConfigKeysAreTheConverters(String folder, Consumer<Map<String, Object>> edit, List<String> expected,
                                                 @TempDir Path tmp) throws IOException {
        Path dir = Transformers4Config.copy(SharedData.require("testdata/hf-models/" + folder), tmp.resolve(folder), edit);
        assertThat(modelKeys(dir, tmp)).containsExactlyElementsOf(expected);
    }

    /** Granite and SmolLM3 write LlamaModel.set_vocab's keys: add_prefix_space first, as a bool. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("llamaVocabularyFolders")
    void llamaDerivedFamiliesWriteTheSpacePrefixFlag(String folder, @TempDir Path tmp) throws IOException {
        for (boolean prefix : new boolean[] {false, true}) {
            Path dir = Transformers4Config.copy(SharedData.require("testdata/hf-models/" + folder), tmp.resolve(folder + prefix), c -> {
            });
            Path tc = dir.resolve("tokenizer_config.json");
            Files.writeString(tc, Files.readString(tc).replaceFirst("\\{", "{\"add_prefix_space\": " + prefix + ","));
            Path out = tmp.resolve(folder + prefix + ".gguf");
            try (ModelSource src = ModelSources.safetensors(dir)) {
                HfGgufExport.write(src, OutType.F32, out);
            }
            try (GgufFile f = GgufFile.open(out)) {
                List<String> tokenizerKeys = f.metadata().keys().stream().filter(k -> k.startsWith("tokenizer.")).toList();
                assertThat(tokenizerKeys).startsWith("tokenizer.ggml.add_space_prefix", "tokenizer.ggml.model");
                assertThat(f.metadata().bool("tokenizer.ggml.add_space_prefix")).contains(prefix);
            }
        }
    }

    static Stream<String> llamaVocabularyFolders() {
        return Stream.of("granite-base", "smollm3-base");
    }

    /** The keys of the F32 file jllm writes for {@code dir}, all but the tokenizer's. */
    private static List<String> modelKeys(Path dir, Path tmp) {
        Path out = tmp.resolve("out.gguf");
        try (ModelSource src = ModelSources.safetensors(dir)) {
            HfGgufExport.write(src, OutType.F32, out);
        }
        try (GgufFile f = GgufFile.open(out)) {
            return f.metadata().keys().stream().filter(k -> !k.startsWith("tokenizer.")).toList();
        }
    }

    /** The general.* keys of these folders, then the family's (see {@link #keys}), then the quantization version. */
    private static List<String> head(String arch, String familyKeys) {
        return keys(arch, "general.architecture general.type general.name general.size_label " + familyKeys
                + " general.quantization_version");
    }

    /** Space-separated key names, each but general.* under {@code arch}. */
    private static List<String> keys(String arch, String names) {
        List<String> out = new ArrayList<>();
        for (String n : names.split(" ")) {
            out.add(n.startsWith("general.") ? n : arch + "." + n);
        }
        return out;
    }
}
