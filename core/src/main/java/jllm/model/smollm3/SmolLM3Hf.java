package jllm.model.smollm3;

import java.util.Arrays;

import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.LlamaModelConversion;

/**
 * SmolLM3 checkpoints ({@code SmolLM3ForCausalLM}) as llama.cpp's {@code SmolLM3Model} converter writes
 * them: llama's keys, q/k rows permuted for NORM rope, and the tokenizer keys of
 * {@code LlamaModel.set_vocab}, which it inherits. The converter drops {@code no_rope_layers};
 * where they differ from llama.cpp's fixed period they go to {@link SmolLM3Config#ROPE_LAYERS_KEY}.
 */
final class SmolLM3Hf implements LlamaModelConversion {
    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        HfCheckpoint.llamaKeys(c, k, "smollm3");
        int layers = c.integer("num_hidden_layers");
        c.rope("full_attention", 10000).requireType("smollm3", "default");
        long[] rope = ropeLayers(c, layers);
        for (int l = 0; l < layers; l++) {
            if ((rope[l] == 1) != ((l + 1) % SmolLM3Config.NO_ROPE_PERIOD != 0)) {
                k.i32s(SmolLM3Config.ROPE_LAYERS_KEY, rope);
                break;
            }
        }
        // transformers' default layer types make the layers without rope the sliding ones
        boolean sliding = c.strings("layer_types").map(t -> t.contains("sliding_attention"))
                .orElse(Arrays.stream(rope).anyMatch(r -> r == 0));
        if (c.bool("use_sliding_window", false) && c.has("sliding_window") && sliding) {
            throw c.error("use_sliding_window", "sliding-window layers are not supported for smollm3 (llama.cpp ignores them too)");
        }
    }

    /**
     * transformers' {@code no_rope_layers} (1: the layer uses rope), or when absent its default: no rope
     * on the last layer of every {@code no_rope_layer_interval}.
     */
    private static long[] ropeLayers(HfConfig c, int layers) {
        long[] rope = new long[layers];
        double[] given = c.numbers(c.raw(), "no_rope_layers").orElse(null);
        if (given != null && given.length != layers) {
            throw c.error("no_rope_layers", given.length + " flags for " + layers + " layers");
        }
        int interval = c.integer("no_rope_layer_interval", SmolLM3Config.NO_ROPE_PERIOD);
        for (int l = 0; l < layers; l++) {
            if (given != null && given[l] != 0 && given[l] != 1) {
                throw c.error("no_rope_layers", "flag " + given[l] + " of layer " + l + " is not 0 or 1");
            }
            rope[l] = given != null ? (long) given[l] : (l + 1) % interval != 0 ? 1 : 0;
        }
        return rope;
    }
}
