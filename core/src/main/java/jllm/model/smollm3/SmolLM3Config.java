package jllm.model.smollm3;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.blocks.Rope;

/**
 * Hyperparameters of the smollm3 architecture: llama's, plus which layers rotate q and k.
 *
 * <p>llama.cpp stores no key for the layers without rope (NoPE): it hard-codes every fourth one
 * ({@code (layer + 1) % 4 == 0}), as SmolLM3's released checkpoints have them. A checkpoint whose
 * {@code no_rope_layers} say otherwise is converted with one more key, {@value #ROPE_LAYERS_KEY} (as
 * transformers' list: 1 where the layer uses rope), which jllm reads and llama.cpp ignores.
 *
 * @param info      the common hyperparameters
 * @param ropeDim   values per head that are rotated
 * @param ropeStyle pairing of rotated values: NORM for GGUF's permuted q/k rows, NEOX for Hugging Face's
 * @param rope      (numLayers) whether each layer rotates q and k
 */
public record SmolLM3Config(ModelInfo info, int ropeDim, Rope.Style ropeStyle, boolean[] rope) {

    /** The key of the layers' rope flags, written only where llama.cpp's fixed period is wrong. */
    public static final String ROPE_LAYERS_KEY = "smollm3.no_rope_layers";

    /** llama.cpp's period of layers without rope: the last layer of every four has none. */
    public static final int NO_ROPE_PERIOD = 4;

    /** Reads {@code smollm3.*} keys; the vocabulary size comes from the embedding table. */
    public static SmolLM3Config from(ModelSource source) {
        ModelInfo i = ModelInfo.read(source, "smollm3", 4096, 1e-6f, 10000f);
        boolean[] rope = new boolean[i.numLayers()];
        long[] flags = source.metadata().integerArray(ROPE_LAYERS_KEY).orElse(null);
        if (flags != null && flags.length != rope.length) {
            throw source.metadata().error(ROPE_LAYERS_KEY, flags.length + " flags for " + rope.length + " layers");
        }
        for (int l = 0; l < rope.length; l++) {
            if (flags != null && flags[l] != 0 && flags[l] != 1) {
                throw source.metadata().error(ROPE_LAYERS_KEY, "flag " + flags[l] + " of layer " + l + " is not 0 or 1");
            }
            rope[l] = flags != null ? flags[l] == 1 : (l + 1) % NO_ROPE_PERIOD != 0;
        }
        int ropeDim = new HyperParams(source.metadata(), "smollm3").positive("rope.dimension_count", i.headDim());
        return new SmolLM3Config(i, ropeDim, source.ropeStyle().orElse(Rope.Style.NORM), rope);
    }

    /** The layers without rope, for {@code jllm inspect}. */
    Map<String, String> details() {
        return Map.of("noRopeLayers", IntStream.range(0, rope.length).filter(l -> !rope[l])
                .mapToObj(Integer::toString).collect(Collectors.joining(", ")));
    }
}
