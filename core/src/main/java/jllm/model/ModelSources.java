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

    /** A Hugging Face safetensors folder (pending: arrives with the safetensors reader). */
    public static ModelSource safetensors(Path path) {
        throw new ModelFormatException(path.toString(), null, "safetensors folders are not readable yet", null);
    }

    /**
     * Llama 3.1's rope scaling ({@code rope_scaling.rope_type = "llama3"}) as the per-pair frequency
     * divisors llama.cpp stores in {@code rope_freqs.weight}.
     */
    @SuppressWarnings("unchecked")
    static Optional<Tensor> ropeFreqs(Map<String, Object> cfg, int headDim, String file) {
        if (!(cfg.get("rope_scaling") instanceof Map<?, ?> raw)) {
            return Optional.empty();
        }
        Map<String, Object> rs = (Map<String, Object>) raw;
        Object type = rs.getOrDefault("rope_type", rs.get("type"));
        if (!"llama3".equals(type)) {
            throw new ModelFormatException(file, "rope_scaling", "rope scaling type " + type
                    + " is not supported (jllm supports llama3)", null);
        }
        double base = number(cfg, "rope_theta", 10000, file);
        double factor = number(rs, "factor", 8, file);
        double low = number(rs, "low_freq_factor", 1, file);
        double high = number(rs, "high_freq_factor", 4, file);
        double oldCtx = number(rs, "original_max_position_embeddings", 8192, file);
        double lowWavelen = oldCtx / low;
        double highWavelen = oldCtx / high;
        float[] factors = new float[headDim / 2];
        for (int i = 0; i < factors.length; i++) {
            double freq = 1.0 / Math.pow(base, (2.0 * i) / headDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowWavelen) {
                factors[i] = (float) factor;
            } else {
                double smooth = (oldCtx / wavelen - low) / (high - low);
                factors[i] = (float) (1.0 / ((1 - smooth) / factor + smooth));
            }
        }
        return Optional.of(Tensor.ofFloats("rope_freqs.weight", Shape.of(factors.length), factors));
    }

    private static String string(Map<String, Object> cfg, String key, String file) {
        if (cfg.get(key) instanceof String s) {
            return s;
        }
        throw new ModelFormatException(file, key, "missing or not a string", null);
    }

    private static int integer(Map<String, Object> cfg, String key, String file) {
        if (cfg.get(key) instanceof Long l && l > 0 && l <= (1 << 24)) {
            return l.intValue();
        }
        throw new ModelFormatException(file, key, "missing or not a positive integer up to 2^24 (found " + cfg.get(key) + ")", null);
    }

    private static float number(Map<String, Object> cfg, String key, double fallback, String file) {
        Object v = cfg.get(key);
        if (v == null) {
            return (float) fallback;
        }
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.floatValue();
        }
        throw new ModelFormatException(file, key, "not a finite number: " + v, null);
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
