package jllm.model.hf;

import jllm.model.blocks.Rope;
import jllm.tokenizer.HfVocabulary;

/**
 * What llama.cpp's converter does for its {@code LlamaModel} class and the classes built on it
 * (Granite, SmolLM3; Mixtral goes through it too): q and k rows permuted for NORM-paired rope, and
 * llama's tokenizer keys ({@link HfCheckpoint#llamaVocabulary}). A family whose converter class is one
 * of these implements this instead of {@link HfConversion}.
 */
public interface LlamaModelConversion extends HfConversion {

    @Override
    default void vocabulary(HfConfig config, HfVocabulary vocab, GgufKeys keys) {
        HfCheckpoint.llamaVocabulary(config, vocab, keys);
    }

    @Override
    default Rope.Style ggufRope() {
        return Rope.Style.NORM;
    }
}
