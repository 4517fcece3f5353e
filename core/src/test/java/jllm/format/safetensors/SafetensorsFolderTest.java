package jllm.format.safetensors;

import static jllm.format.HostileInput.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jllm.format.ModelFormatException;
import jllm.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFolderTest {
    static final String CONFIG = "{\"architectures\":[\"LlamaForCausalLM\"],\"hidden_size\":4,\"num_hidden_layers\":2,"
            + "\"rms_norm_eps\":1e-05,\"tie_word_embeddings\":false}";

    static void config(Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), CONFIG);
    }

    static ModelFormatException refused(Path dir) {
        return assertRefused(dir.toString(), 0, () -> SafetensorsFolder.open(dir).close());
    }

    @Test
    void singleFileFolder(@TempDir Path dir) throws Exception {
        config(dir);
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        new SafetensorsBytes().addF32("model.embed_tokens.weight", new long[]{2, 4}, 1, 2, 3, 4, 5, 6, 7, 8)
                .addF32("model.norm.weight", new long[]{4}, 1, 1, 1, 1)
                .write(dir.resolve("model.safetensors"));
        try (SafetensorsFolder hf = SafetensorsFolder.open(dir)) {
            assertThat(hf.dir()).isEqualTo(dir);
            assertThat(hf.config()).containsEntry("hidden_size", 4L).containsEntry("rms_norm_eps", 1e-5)
                    .containsEntry("architectures", List.of("LlamaForCausalLM"));
            assertThat(hf.tokenizerJson()).contains(dir.resolve("tokenizer.json"));
            assertThat(hf.tokenizerConfigJson()).isEmpty();
            assertThat(hf.tensors().keySet()).containsExactly("model.embed_tokens.weight", "model.norm.weight");
            assertThat(hf.tensor("model.embed_tokens.weight").shape()).isEqualTo(Shape.of(4, 2));
            assertThat(hf.shards()).hasSize(1);
        }
    }

    /** Three shards as transformers writes them; the index decides which shard holds each tensor. */
    static void sharded(Path dir) throws Exception {
        config(dir);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\":\"x\"}");
        new SafetensorsBytes().addF32("model.embed_tokens.weight", new long[]{2, 2}, 1, 2, 3, 4)
                .addF32("model.layers.0.input_layernorm.weight", new long[]{2}, 5, 6)
                .write(dir.resolve("model-00001-of-00003.safetensors"));
        new SafetensorsBytes().addF32("model.layers.0.self_attn.q_proj.weight", new long[]{2, 2}, 7, 8, 9, 10)
                .write(dir.resolve("model-00002-of-00003.safetensors"));
        new SafetensorsBytes().addF32("lm_head.weight", new long[]{2, 2}, 11, 12, 13, 14)
                .addF32("model.norm.weight", new long[]{2}, 15, 16)
                .write(dir.resolve("model-00003-of-00003.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), """
                {"metadata": {"total_size": 56},
                 "weight_map": {
                   "lm_head.weight": "model-00003-of-00003.safetensors",
                   "model.embed_tokens.weight": "model-00001-of-00003.safetensors",
                   "model.layers.0.input_layernorm.weight": "model-00001-of-00003.safetensors",
                   "model.layers.0.self_attn.q_proj.weight": "model-00002-of-00003.safetensors",
                   "model.norm.weight": "model-00003-of-00003.safetensors"}}
                """);
    }

    @Test
    void shardedFolder(@TempDir Path dir) throws Exception {
        sharded(dir);
        try (SafetensorsFolder hf = SafetensorsFolder.open(dir)) {
            assertThat(hf.shards()).hasSize(3);
            assertThat(hf.tokenizerConfigJson()).isPresent();
            assertThat(hf.tokenizerJson()).isEmpty();
            assertThat(hf.tensors()).hasSize(5);
            assertThat(hf.tensors().get("model.layers.0.self_attn.q_proj.weight").data()
                    .toArray(ValueLayout.JAVA_FLOAT_UNALIGNED)).containsExactly(7, 8, 9, 10);
            assertThat(hf.tensor("model.norm.weight").data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED))
                    .containsExactly(15, 16);
            // the HF names map onto the GGUF names
            assertThat(hf.tensors().keySet().stream().map(n -> jllm.model.hf.HfNames.standard().toGguf(n).orElseThrow()))
                    .containsExactly("output.weight", "token_embd.weight", "blk.0.attn_norm.weight",
                            "blk.0.attn_q.weight", "output_norm.weight");
        }
    }

    @Test
    void indexNamingATensorItsShardLacks(@TempDir Path dir) throws Exception {
        sharded(dir);
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace(
                "\"model.norm.weight\": \"model-00003", "\"model.norm.weight\": \"model-00002"));
        ModelFormatException e = assertRefused(index.toString(), 0, () -> SafetensorsFolder.open(dir).close());
        assertThat(e.field()).isEqualTo("weight_map.model.norm.weight");
    }

    @Test
    void indexNamingAShardOutsideTheFolder(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectory(dir.resolve("model"));
        sharded(model);
        Files.copy(model.resolve("model-00001-of-00003.safetensors"), dir.resolve("evil.safetensors"));
        Path index = model.resolve("model.safetensors.index.json");
        Files.writeString(index, Files.readString(index).replace("model-00001-of-00003", "../evil"));
        assertThat(assertRefused(index.toString(), 0, () -> SafetensorsFolder.open(model).close()).getMessage())
                .contains("outside the model folder");
        Files.writeString(index, Files.readString(index).replace("../evil", "missing"));
        assertThat(assertRefused(index.toString(), 0, () -> SafetensorsFolder.open(model).close()).getMessage())
                .contains("does not exist");
        Files.writeString(index, "{\"weight_map\": [1]}");
        assertRefused(index.toString(), 0, () -> SafetensorsFolder.open(model).close());
    }

    @Test
    void pickleWeightsAreRefused(@TempDir Path dir) throws Exception {
        config(dir);
        Files.write(dir.resolve("pytorch_model.bin"), new byte[]{'P', 'K', 3, 4});
        assertThat(refused(dir).getMessage()).contains("convert it to safetensors", "pytorch_model.bin");
    }

    @Test
    void missingPiecesAreNamed(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.json");
        assertThat(assertRefused(config.toString(), 0, () -> SafetensorsFolder.open(dir).close()).getMessage())
                .contains("is missing");
        Files.writeString(config, "{\"a\": 1, \"a\": 2}");
        assertThat(assertRefused(config.toString(), 0, () -> SafetensorsFolder.open(dir).close()).getMessage())
                .contains("duplicate key");
        config(dir);
        assertThat(refused(dir).getMessage()).contains("no model.safetensors");
        assertThat(refused(dir.resolve("nowhere")).getMessage()).contains("does not exist");
    }

    @Test
    void hfNamesMapToGgufNames() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("model.embed_tokens.weight", "token_embd.weight"),
                Map.entry("model.norm.weight", "output_norm.weight"),
                Map.entry("lm_head.weight", "output.weight"),
                Map.entry("model.layers.0.self_attn.q_proj.weight", "blk.0.attn_q.weight"),
                Map.entry("model.layers.11.self_attn.k_proj.bias", "blk.11.attn_k.bias"),
                Map.entry("model.layers.2.self_attn.v_proj.bias", "blk.2.attn_v.bias"),
                Map.entry("model.layers.2.self_attn.o_proj.weight", "blk.2.attn_output.weight"),
                Map.entry("model.layers.3.mlp.gate_proj.weight", "blk.3.ffn_gate.weight"),
                Map.entry("model.layers.3.mlp.up_proj.weight", "blk.3.ffn_up.weight"),
                Map.entry("model.layers.3.mlp.down_proj.weight", "blk.3.ffn_down.weight"),
                Map.entry("model.layers.27.input_layernorm.weight", "blk.27.attn_norm.weight"),
                Map.entry("model.layers.27.post_attention_layernorm.weight", "blk.27.ffn_norm.weight"));
        expected.forEach((hf, gguf) -> assertThat(jllm.model.hf.HfNames.standard().toGguf(hf)).as(hf).contains(gguf));
        for (String unknown : List.of("model.layers.0.self_attn.rotary_emb.inv_freq", "model.layers.x.mlp.up_proj.weight",
                "model.layers..mlp.up_proj.weight", "model.layers.01.mlp.up_proj.weight", "model.layers.0",
                "model.layers.0.mlp.up_proj", "lm_head.bias", "")) {
            assertThat(jllm.model.hf.HfNames.standard().toGguf(unknown)).as(unknown).isEmpty();
        }
    }
}
