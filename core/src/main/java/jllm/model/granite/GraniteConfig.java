package jllm.model.granite;

import java.util.LinkedHashMap;
import java.util.Map;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.blocks.Rope;

/**
 * Hyperparameters of the granite architecture: llama's, plus the four scales Granite multiplies in
 * (absent or 0 in the file means none, as in llama.cpp).
 *
 * @param info           the common hyperparameters
 * @param ropeDim        values per head that are rotated
 * @param ropeStyle      pairing of rotated values: NORM for GGUF's permuted q/k rows, NEOX for Hugging Face's
 * @param ropeScaling    rope base and linear scaling ({@code granite.rope.scaling.*})
 * @param embeddingScale factor on token embeddings ({@code embedding_multiplier})
 * @param attentionScale factor on q·k ({@code attention_multiplier}; 1/sqrt(headDim) when absent)
 * @param residualScale  factor on each sublayer's output before it joins the residual ({@code residual_multiplier})
 * @param logitDivisor   logits are divided by it ({@code logits_scaling})
 */
public record GraniteConfig(ModelInfo info, int ropeDim, Rope.Style ropeStyle, Rope.Scaling ropeScaling,
                            float embeddingScale, float attentionScale, float residualScale, float logitDivisor) {

    /** Reads {@code granite.*} keys as llama.cpp's loader does; the vocabulary size comes from the embedding table. */
    public static GraniteConfig from(ModelSource source) {
        ModelInfo i = ModelInfo.read(source, "granite", 4096, 1e-6f, 10000f);
        HyperParams p = new HyperParams(source.metadata(), "granite");
        Rope.Scaling rope = Rope.Scaling.of(i.ropeTheta());
        String scaling = source.metadata().string("granite.rope.scaling.type").orElse("none");
        switch (scaling) {
            case "none" -> {
            }
            case "linear" -> rope = rope.withLinear(p.number("rope.scaling.factor", 1f));
            default -> throw source.metadata().error("granite.rope.scaling.type", "rope scaling \"" + scaling
                    + "\" is not supported for granite (jllm supports linear)");
        }
        float attention = p.number("attention.scale", 0f);
        return new GraniteConfig(i, p.positive("rope.dimension_count", i.headDim()),
                source.ropeStyle().orElse(Rope.Style.NORM), rope, orOne(p.number("embedding_scale", 0f)),
                attention != 0f ? attention : (float) (1.0 / Math.sqrt(i.headDim())),
                orOne(p.number("residual_scale", 0f)), orOne(p.number("logit_scale", 0f)));
    }

    /** The scales for {@code jllm inspect}. */
    Map<String, String> details() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("embeddingScale", Float.toString(embeddingScale));
        d.put("attnScale", Float.toString(attentionScale));
        d.put("residualScale", Float.toString(residualScale));
        d.put("logitDivisor", Float.toString(logitDivisor));
        if (ropeScaling.freqScale() != 1f) {
            d.put("ropeLinearScale", Float.toString(1f / ropeScaling.freqScale()));
        }
        return d;
    }

    // a scale llama.cpp treats as "none" when it is 0
    private static float orOne(float scale) {
        return scale == 0f ? 1f : scale;
    }
}
