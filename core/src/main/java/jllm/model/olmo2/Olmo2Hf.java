package jllm.model.olmo2;


import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;
import jllm.model.hf.HfNames;

/**
 * OLMo 2 checkpoints ({@code Olmo2ForCausalLM}) as llama.cpp's {@code Olmo2Model} converter writes them:
 * the common keys, and the norms after attention and feed-forward under their post-norm names. No
 * permutation (NEOX rope). A checkpoint with tied embeddings gets no {@code output.weight}, as from that
 * converter; jllm runs such a file, llama.cpp's OLMo 2 loader (c392e509 to 34af94cd) does not, as it
 * requires the tensor (released OLMo 2 checkpoints are untied).
 */
final class Olmo2Hf implements HfConversion {
    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        HfCheckpoint.commonKeys(c, k, "olmo2");
        c.rope("full_attention", 10000).requireType("olmo2", "default");
    }

    @Override
    public HfNames names() {
        return HfNames.standard().with("post_attention_layernorm", "post_attention_norm")
                .with("post_feedforward_layernorm", "post_ffw_norm");
    }
}
