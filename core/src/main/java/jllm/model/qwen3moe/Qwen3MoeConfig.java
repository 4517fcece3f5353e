package jllm.model.qwen3moe;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.blocks.Moe;

/**
 * Hyperparameters of the qwen3moe architecture, read from {@code qwen3moe.*} keys as llama.cpp's converter
 * writes them. Layers without a router (Hugging Face's {@code mlp_only_layers} and
 * {@code decoder_sparse_step}) are dense MLPs of {@code info.hiddenDim()}.
 *
 * @param info         the common hyperparameters
 * @param expertHidden width of one expert's MLP ({@code expert_feed_forward_length})
 * @param routing      softmax over every expert, the top {@code expert_used_count}, renormalized unless
 *                     {@code expert_weights_norm} is false; null when the file declares no experts
 */
public record Qwen3MoeConfig(ModelInfo info, int expertHidden, Moe.Routing routing) {

    /** Reads {@code qwen3moe.*} keys; the vocabulary size comes from the embedding table. */
    public static Qwen3MoeConfig from(ModelSource source) {
        ModelInfo info = ModelInfo.read(source, "qwen3moe", 32768, 1e-6f, 10000f);
        HyperParams p = new HyperParams(source.metadata(), "qwen3moe");
        if (source.metadata().has("qwen3moe.rope.scaling.type")) {
            throw source.metadata().error("qwen3moe.rope.scaling.type", "rope scaling is not supported for qwen3moe");
        }
        // llama.cpp always renormalizes Qwen3-MoE's top k; the key says otherwise for norm_topk_prob = false
        boolean normalize = source.metadata().bool("qwen3moe.expert_weights_norm").orElse(true);
        Moe.Routing routing = source.metadata().has("qwen3moe.expert_count")
                ? new Moe.Routing(p.positive("expert_used_count"), Moe.Order.SOFTMAX_THEN_TOP_K, normalize) : null;
        return new Qwen3MoeConfig(info, p.positive("expert_feed_forward_length", info.hiddenDim()), routing);
    }
}
