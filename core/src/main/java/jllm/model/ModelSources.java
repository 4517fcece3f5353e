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
import jllm.format.safetensors.HfTensorNames;
import jllm.format.safetensors.SafetensorsFolder;
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
     * A Hugging Face safetensors folder of the llama (llama, mistral) or qwen2 family: config.json
     * becomes {@code <arch>.*} keys, tensor names become GGUF names. Hugging Face stores q/k weights
     * unpermuted, so llama models from here rotate NEOX pairs.
     */
    public static ModelSource safetensors(Path path) {
        Path dir = path.toFile().isDirectory() ? path : path.getParent();
        SafetensorsFolder folder = SafetensorsFolder.open(dir);
        try {
            Map<String, Object> cfg = folder.config();
            String file = dir.resolve("config.json").toString();
            String modelType = string(cfg, "model_type", file);
            String arch = switch (modelType) {
                case "llama", "mistral" -> "llama";
                case "qwen2" -> "qwen2";
                default -> throw new ModelFormatException(file, "model_type", "model type \"" + modelType
                        + "\" is not supported from safetensors (jllm reads llama, mistral and qwen2 folders)", null);
            };
            Map<String, GgufValue> m = new LinkedHashMap<>();
            m.put("general.architecture", str(arch));
            m.put("general.name", str(dir.getFileName().toString()));
            int dim = integer(cfg, "hidden_size", file);
            int heads = integer(cfg, "num_attention_heads", file);
            m.put(arch + ".embedding_length", u32(dim));
            m.put(arch + ".feed_forward_length", u32(integer(cfg, "intermediate_size", file)));
            m.put(arch + ".block_count", u32(integer(cfg, "num_hidden_layers", file)));
            m.put(arch + ".attention.head_count", u32(heads));
            m.put(arch + ".attention.head_count_kv", u32(cfg.containsKey("num_key_value_heads")
                    ? integer(cfg, "num_key_value_heads", file) : heads));
            if (cfg.get("head_dim") instanceof Number hd) {
                m.put(arch + ".attention.key_length", u32(hd.intValue()));
            }
            m.put(arch + ".context_length", u32(cfg.containsKey("max_position_embeddings")
                    ? integer(cfg, "max_position_embeddings", file) : 4096));
            m.put(arch + ".attention.layer_norm_rms_epsilon", f32(number(cfg, "rms_norm_eps", 1e-6, file)));
            m.put(arch + ".rope.freq_base", f32(number(cfg, "rope_theta", 10000, file)));
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : folder.tensors().entrySet()) {
                Optional<String> name = HfTensorNames.toGguf(e.getKey());
                if (name.isPresent()) {
                    Tensor t = e.getValue();
                    tensors.put(name.get(), new Tensor(name.get(), t.type(), t.shape(), t.data()));
                }
            }
            if (Boolean.TRUE.equals(cfg.get("tie_word_embeddings"))) {
                tensors.remove("output.weight");
            }
            int headDim = cfg.get("head_dim") instanceof Number hd ? hd.intValue() : dim / heads;
            ropeFreqs(cfg, headDim, file).ifPresent(t -> tensors.put(t.name(), t));
            return new ModelSource("safetensors", dir, new GgufMetadata(file, m), tensors,
                    Optional.of(Rope.Style.NEOX), folder);
        } catch (RuntimeException e) {
            folder.close();
            throw e;
        }
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
