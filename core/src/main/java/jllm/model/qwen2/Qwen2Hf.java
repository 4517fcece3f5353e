package jllm.model.qwen2;


import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;

/** Qwen2 checkpoints ({@code Qwen2ForCausalLM}) as llama.cpp's converter writes them: the common keys. */
final class Qwen2Hf implements HfConversion {
    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        HfCheckpoint.commonKeys(c, k, "qwen2");
        c.rope("full_attention", 10000).requireType("qwen2", "default");
    }
}
