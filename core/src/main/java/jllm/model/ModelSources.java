package jllm.model;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufTensorInfo;
import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufValueType;
import jllm.format.llama2c.Llama2cCheckpoint;
import jllm.format.llama2c.Llama2cConfig;
import jllm.model.hf.HfCheckpoint;
import jllm.model.blocks.Rope;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * Opens model files of every supported format as a {@link ModelSource}. Formats other than GGUF are
 * translated here, at the edge, into GGUF metadata keys and tensor names, so architectures read one
 * vocabulary.
 */
public final class ModelSources {
    private ModelSources() {
    }

    /** A GGUF file. */
    public static ModelSource gguf(Path path) {
        GgufFile f = GgufFile.open(path);
        try {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (GgufTensorInfo info : f.tensorInfos()) {
                tensors.put(info.name(), f.tensor(info));
            }
            return new ModelSource("gguf", path, f.metadata(), tensors, Optional.empty(), f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** A llama2.c checkpoint (run.c's format); its hyperparameters become {@code llama.*} keys. */
    public static ModelSource llama2c(Path path) {
        Llama2cCheckpoint ck = Llama2cCheckpoint.open(path);
        try {
            Llama2cConfig c = ck.config();
            Map<String, GgufValue> m = new LinkedHashMap<>();
            m.put("general.architecture", str("llama"));
            m.put("general.name", str(path.getFileName().toString()));
            m.put("llama.embedding_length", u32(c.dim()));
            m.put("llama.feed_forward_length", u32(c.hiddenDim()));
            m.put("llama.block_count", u32(c.numLayers()));
            m.put("llama.attention.head_count", u32(c.numHeads()));
            m.put("llama.attention.head_count_kv", u32(c.numKvHeads()));
            m.put("llama.context_length", u32(c.seqLen()));
            m.put("llama.attention.layer_norm_rms_epsilon", f32(1e-5f));
            m.put("llama.rope.freq_base", f32(10000f));
            return new ModelSource("llama2c", path, new GgufMetadata(path.toString(), m), ck.tensors(),
                    Optional.of(Rope.Style.NORM), ck);
        } catch (RuntimeException e) {
            ck.close();
            throw e;
        }
    }

    /**
     * A Hugging Face safetensors folder of any family jllm reads: see {@link HfCheckpoint}.
     */
    public static ModelSource safetensors(Path path) {
        return HfCheckpoint.open(path);
    }

    private static GgufValue str(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    private static GgufValue u32(int v) {
        return new GgufValue(GgufValueType.UINT32, (long) v);
    }

    private static GgufValue f32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, (double) v);
    }
}
