package jllm.model.qwen2;

import java.util.List;

import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;

/** Qwen2 checkpoints ({@code Qwen2ForCausalLM}) as llama.cpp's converter writes them: the common keys. */
final class Qwen2Hf implements HfConversion {
    @Override
    public List<String> modelTypes() {
        return List.of("qwen2");
    }

    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        HfCheckpoint.commonKeys(c, k, "qwen2");
        String type = c.rope("full_attention", 10000).type();
        if (!type.equals("default")) {
            throw c.error("rope_scaling", "rope scaling type \"" + type + "\" is not supported for qwen2");
        }
    }
}
