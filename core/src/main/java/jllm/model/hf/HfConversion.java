package jllm.model.hf;

import java.util.List;
import java.util.Map;

import jllm.model.blocks.Rope;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;
import jllm.tokenizer.HfVocabulary;

/**
 * How one family's Hugging Face checkpoint becomes GGUF: exactly the metadata keys, tensor names and
 * value transforms llama.cpp's {@code convert_hf_to_gguf.py} writes for it. Loading a folder applies
 * this in memory (no copies but for transformed tensors); {@code jllm convert} writes the result.
 */
public interface HfConversion {


    /** Writes the family's {@code <arch>.*} keys for this config, as llama.cpp's converter does. */
    void metadata(HfConfig config, GgufKeys keys);

    /** Hugging Face tensor names to GGUF names. */
    default HfNames names() {
        return HfNames.standard();
    }

    /** Whether a Hugging Face tensor is left out on purpose (buffers such as rotary_emb.inv_freq). */
    default boolean skips(String hfName) {
        return hfName.endsWith(".rotary_emb.inv_freq");
    }

    /**
     * What the converter adds to every norm weight (a GGUF name ending in {@code norm.weight}): 1 for
     * Gemma, whose RMSNorm multiplies by {@code 1 + w} where GGUF's multiplies by {@code w}; 0 for most.
     */
    default float normShift() {
        return 0f;
    }

    /**
     * Whether the values of a tensor (by GGUF name) change on the way, as Gemma's norm weights gain 1.
     * Such tensors are small; they are decoded to floats and passed to {@link #transform}.
     */
    default boolean transforms(String ggufName) {
        return normShift() != 0f && ggufName.endsWith("norm.weight");
    }

    /** Changes the values of a tensor for which {@link #transforms} holds, in place (by default the norm shift). */
    default void transform(String ggufName, float[] values) {
        float shift = normShift();
        for (int i = 0; i < values.length; i++) {
            values[i] += shift; // in float32, as the converter adds to a float32 torch tensor
        }
    }

    /**
     * Whether the converter turns a Hugging Face tensor into tensors of other names and shapes (gpt-oss's
     * fused, interleaved experts split and transposed) rather than mapping it by {@link #names()}.
     */
    default boolean reshapes(String hfName) {
        return false;
    }

    /**
     * The tensors the converter makes of a tensor for which {@link #reshapes} holds, by GGUF name in its
     * order, from the tensor's values decoded to floats.
     */
    default Map<String, Tensor> reshape(String hfName, Tensor t, float[] values) {
        throw new UnsupportedOperationException(hfName + " is not reshaped");
    }

    /**
     * The GGUF shape of a tensor (by GGUF name) given its Hugging Face shape: the same by default; Mamba's
     * converter squeezes the conv1d weight (d_inner, 1, d_conv) to (d_inner, d_conv). Only the shape
     * changes, never the order of the values.
     */
    default Shape shape(String ggufName, Shape hfShape) {
        return hfShape;
    }

    /**
     * Tensors the converter computes from the config (Llama 3.1's rope_freqs, Phi-3's LongRoPE factors).
     * Keys written to {@code keys} here come right after general.architecture, where the converter, which
     * computes these tensors before it writes any other key, puts them (Phi-3's attention factor).
     */
    default Map<String, Tensor> extraTensors(HfConfig config, GgufKeys keys) {
        return Map.of();
    }

    /**
     * Writes the tokenizer keys as the family's converter does ({@code set_vocab}); by default exactly
     * {@code vocab}'s keys (a byte-level BPE tokenizer.json, {@code _set_vocab_gpt2}). A family whose
     * converter adds keys around them (llama's) overrides this.
     */
    default void vocabulary(HfConfig config, HfVocabulary vocab, GgufKeys keys) {
        vocab.keys().asMap().forEach(keys::put);
    }

    /**
     * The rope pairing the family's GGUF q/k weights are stored for. {@link Rope.Style#NORM}: llama.cpp's
     * converter permutes the rows of q and k (Hugging Face's are NEOX-paired), so a folder loaded as it is
     * rotates NEOX pairs, and {@code jllm convert} permutes.
     */
    default Rope.Style ggufRope() {
        return Rope.Style.NEOX;
    }
}
