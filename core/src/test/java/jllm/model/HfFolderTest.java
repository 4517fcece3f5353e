package jllm.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import jllm.testing.SharedData;
import jllm.format.safetensors.SafetensorsBytes;
import jllm.kernel.Kernels;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Hugging Face folder holding the same weights as a shared GGUF gives the same logits. The folder is
 * written as Hugging Face would hold the model: HF tensor names, PyTorch shapes, sharded with an index,
 * and for llama the q/k rows NOT permuted (llama.cpp's converter permutes them for its rope pairing).
 */
class HfFolderTest {
    private static Kernels kernels;

    @BeforeAll
    static void setUp() {
        kernels = Kernels.best();
    }

    @AfterAll
    static void tearDown() {
        kernels.close();
    }

    @Test
    void llamaFolderMatchesGguf(@TempDir Path dir) throws IOException {
        Path gguf = SharedData.require("testdata/models/randllama-d256/randllama-d256-F32.gguf");
        writeFolder(gguf, dir, "llama", true, """
                {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": 256,
                 "intermediate_size": 768, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "num_key_value_heads": 2, "max_position_embeddings": 2048, "rms_norm_eps": 1e-05,
                 "rope_theta": 10000.0, "tie_word_embeddings": false, "torch_dtype": "float32"}""");
        assertSameLogits(gguf, dir);
    }

    @Test
    void qwen2FolderMatchesGguf(@TempDir Path dir) throws IOException {
        Path gguf = SharedData.require("testdata/models/randqwen2-d256/randqwen2-d256-F32.gguf");
        writeFolder(gguf, dir, "qwen2", false, """
                {"model_type": "qwen2", "hidden_size": 256, "intermediate_size": 320, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 2048,
                 "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "tie_word_embeddings": true}""");
        assertSameLogits(gguf, dir);
    }

    private static void assertSameLogits(Path gguf, Path folder) {
        int[] tokens = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315};
        try (ModelSource a = ModelSources.gguf(gguf); ModelSource b = ModelSources.safetensors(folder)) {
            assertThat(b.format()).isEqualTo("safetensors");
            LanguageModel ma = Architectures.forSource(a).load(a, kernels);
            LanguageModel mb = Architectures.forSource(b).load(b, kernels);
            assertThat(mb.info()).isEqualTo(ma.info());
            float[] la = ma.forward(ma.newCache(16, KvCache.Type.F32), tokens, LanguageModel.Logits.ALL);
            float[] lb = mb.forward(mb.newCache(16, KvCache.Type.F32), tokens, LanguageModel.Logits.ALL);
            double max = 0;
            for (int i = 0; i < la.length; i++) {
                max = Math.max(max, Math.abs(la[i] - lb[i]));
            }
            assertThat(max).isLessThan(1e-4);
        }
    }

    /** The GGUF's tensors under their Hugging Face names, in two shards with an index, plus config.json. */
    private static void writeFolder(Path gguf, Path dir, String arch, boolean unpermute, String config) throws IOException {
        Files.writeString(dir.resolve("config.json"), config);
        Map<String, String> weightMap = new LinkedHashMap<>();
        SafetensorsBytes[] shards = {new SafetensorsBytes(), new SafetensorsBytes()};
        try (ModelSource src = ModelSources.gguf(gguf)) {
            int heads = (int) src.metadata().integer(arch + ".attention.head_count").getAsLong();
            int kvHeads = (int) src.metadata().integer(arch + ".attention.head_count_kv").getAsLong();
            int i = 0;
            for (Tensor t : src.tensors().values()) {
                String hf = hfName(t.name());
                float[] v = kernels.dequantize(t);
                if (unpermute && t.name().endsWith("attn_q.weight")) {
                    v = unpermute(v, heads, (int) t.cols());
                } else if (unpermute && t.name().endsWith("attn_k.weight")) {
                    v = unpermute(v, kvHeads, (int) t.cols());
                }
                long[] shape = t.shape().rank() == 1 ? new long[]{t.cols()} : new long[]{t.rows(), t.cols()};
                int shard = i++ % 2;
                shards[shard].addF32(hf, shape, v);
                weightMap.put(hf, "model-0000" + (shard + 1) + "-of-00002.safetensors");
            }
        }
        shards[0].write(dir.resolve("model-00001-of-00002.safetensors"));
        shards[1].write(dir.resolve("model-00002-of-00002.safetensors"));
        StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        int k = 0;
        for (var e : weightMap.entrySet()) {
            index.append(k++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": \"").append(e.getValue()).append('"');
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.append("}}").toString());
    }

    /** Undoes llama.cpp's q/k permutation: GGUF row h*hd + 2i + j came from HF row h*hd + j*hd/2 + i. */
    private static float[] unpermute(float[] w, int heads, int cols) {
        int rows = w.length / cols;
        int hd = rows / heads;
        float[] out = new float[w.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < hd / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    System.arraycopy(w, (h * hd + 2 * i + j) * cols, out, (h * hd + j * hd / 2 + i) * cols, cols);
                }
            }
        }
        return out;
    }

    private static String hfName(String gguf) {
        if (gguf.equals("token_embd.weight")) {
            return "model.embed_tokens.weight";
        }
        if (gguf.equals("output_norm.weight")) {
            return "model.norm.weight";
        }
        if (gguf.equals("output.weight")) {
            return "lm_head.weight";
        }
        String[] p = gguf.split("\\.", 3); // blk, N, rest
        String rest = switch (p[2]) {
            case "attn_norm.weight" -> "input_layernorm.weight";
            case "ffn_norm.weight" -> "post_attention_layernorm.weight";
            case "attn_q.weight" -> "self_attn.q_proj.weight";
            case "attn_k.weight" -> "self_attn.k_proj.weight";
            case "attn_v.weight" -> "self_attn.v_proj.weight";
            case "attn_q.bias" -> "self_attn.q_proj.bias";
            case "attn_k.bias" -> "self_attn.k_proj.bias";
            case "attn_v.bias" -> "self_attn.v_proj.bias";
            case "attn_output.weight" -> "self_attn.o_proj.weight";
            case "ffn_gate.weight" -> "mlp.gate_proj.weight";
            case "ffn_up.weight" -> "mlp.up_proj.weight";
            case "ffn_down.weight" -> "mlp.down_proj.weight";
            default -> throw new IllegalArgumentException(gguf);
        };
        return "model.layers." + p[1] + "." + rest;
    }
}
