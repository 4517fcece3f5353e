package jllm.model.hf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The general.* heuristics against gguf-py's own answers (llama.cpp 34af94cd9: {@code
 * Metadata.get_model_id_components}, {@code Metadata.id_to_title} and {@code utility.size_label} run on
 * these arguments; an empty cell is None).
 */
class GeneralKeysTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // model id | total params | full name | org | basename | finetune | version | size label | title
        "meta-llama/Llama-3.2-1B-Instruct | 1235814400 | Llama-3.2-1B-Instruct | meta-llama | Llama-3.2 | Instruct | | 1B | Llama 3.2 1B Instruct",
        "Qwen/Qwen2.5-0.5B-Instruct | 494032768 | Qwen2.5-0.5B-Instruct | Qwen | Qwen2.5 | Instruct | | 0.5B | Qwen2.5 0.5B Instruct",
        "llama-base | 238144 | llama-base | | | | | | Llama Base",
        "mistralai/Mixtral-8x7B-Instruct-v0.1 | 46702792704 | Mixtral-8x7B-Instruct-v0.1 | mistralai | Mixtral | Instruct | v0.1 | 8x7B | Mixtral 8x7B Instruct v0.1",
        "HuggingFaceTB/SmolLM2-135M | 134515008 | SmolLM2-135M | HuggingFaceTB | SmolLM2 | | | 135M | SmolLM2 135M",
        "bigscience/bloom-7b1 | 7069016064 | bloom-7b1 | bigscience | bloom | | | 7.1B | Bloom 7b1",
        "microsoft/Phi-3-mini-128k-instruct | 3821079552 | Phi-3-mini-128k-instruct | microsoft | Phi-3 | 128k-instruct | | mini | Phi 3 Mini 128k Instruct",
        "google/gemma-2-2b-it | 2614341888 | gemma-2-2b-it | google | gemma-2 | it | | 2B | Gemma 2 2b It",
        "Qwen3-0.6B | 596049920 | Qwen3-0.6B | | Qwen3 | | | 0.6B | Qwen3 0.6B",
        "ibm-granite/granite-3.3-2b-instruct | 2533539840 | granite-3.3-2b-instruct | ibm-granite | granite-3.3 | instruct | | 2B | Granite 3.3 2b Instruct",
        "allenai/OLMo-2-0425-1B | 1484916736 | OLMo-2-0425-1B | allenai | OLMo-2-0425 | | | 1B | OLMo 2 0425 1B",
        "openai/gpt-oss-20b | 20914757184 | gpt-oss-20b | openai | gpt-oss | | | 20B | Gpt Oss 20b",
        "./local/thing | 1000 | local/thing | | | | | | Local/Thing",
        "my model folder | 5 | my model folder | | | | | | My Model Folder"})
    void modelIdComponentsAsGgufPy(String id, long params, String full, String org, String basename, String finetune,
                                   String version, String size, String title) {
        GeneralKeys.IdParts p = GeneralKeys.components(id, params);
        assertThat(p).isEqualTo(new GeneralKeys.IdParts(full, org, basename, finetune, version, size));
        assertThat(GeneralKeys.idToTitle(p.fullName())).isEqualTo(title);
    }

    @ParameterizedTest
    @CsvSource({
        "238144, 238144, 0, 0, 238K", "1235814400, 1235814400, 0, 0, 1.2B", "46702792704, 1602260992, 5637275648, 8, 8x7.2B",
        "999, 999, 0, 0, 1.0K", "2250000, 2250000, 0, 0, 2.2M", "1499999, 1499999, 0, 0, 1.5M",
        "20914757184, 1800000000, 1200000000, 32, 32x3.0B"})
    void sizeLabelAsGgufPy(long total, long shared, long expert, long count, String label) {
        assertThat(GeneralKeys.sizeLabel(new GeneralKeys.Params(total, shared, expert, count))).isEqualTo(label);
    }

    @Test
    void samplingNameAndSizeInTheConvertersOrder() {
        GgufKeys k = new GgufKeys();
        GeneralKeys.write(Map.of("temperature", 0.6, "top_k", 20L, "top_p", 0.95, "do_sample", true),
                Map.of("_name_or_path", "meta-llama/Llama-3.2-1B-Instruct"), "llama-odd", new GeneralKeys.Params(155568, 155568, 0, 0), k);
        assertThat(k.asMap().keySet()).containsExactly("general.sampling.top_k", "general.sampling.top_p",
                "general.sampling.temp", "general.name", "general.organization", "general.finetune", "general.basename",
                "general.size_label");
        assertThat(k.asMap().get("general.name").value()).isEqualTo("Llama 3.2 1B Instruct");
        // 1B is far from 155568 parameters: the converter takes it for a context length, a finetune
        assertThat(k.asMap().get("general.finetune").value()).isEqualTo("1b-Instruct");
        assertThat(k.asMap().get("general.size_label").value()).isEqualTo("156K");
    }
}
