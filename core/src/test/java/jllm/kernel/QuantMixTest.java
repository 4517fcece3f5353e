package jllm.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** llama.cpp's per-tensor rules for the K-quant mixes, and the pure types. */
class QuantMixTest {

    /** The weights of a dense llama-style model with {@code layers} layers of width {@code dim}. */
    private static List<QuantMix.Weight> llama(int layers, long dim, long ffnDim) {
        List<QuantMix.Weight> w = new ArrayList<>();
        w.add(new QuantMix.Weight("token_embd.weight", 2, dim));
        for (int i = 0; i < layers; i++) {
            String p = "blk." + i + ".";
            w.add(new QuantMix.Weight(p + "attn_norm.weight", 1, dim));
            for (String n : List.of("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up")) {
                w.add(new QuantMix.Weight(p + n + ".weight", 2, dim));
            }
            w.add(new QuantMix.Weight(p + "ffn_down.weight", 2, ffnDim));
            w.add(new QuantMix.Weight(p + "ffn_norm.weight", 1, dim));
        }
        w.add(new QuantMix.Weight("output_norm.weight", 1, dim));
        w.add(new QuantMix.Weight("output.weight", 2, dim));
        return w;
    }

    private static TreeSet<Integer> layersOfType(Map<String, GgmlType> plan, String tensor, GgmlType type) {
        TreeSet<Integer> layers = new TreeSet<>();
        plan.forEach((name, t) -> {
            if (name.endsWith(tensor) && t == type) {
                layers.add(Integer.parseInt(name.split("\\.")[1]));
            }
        });
        return layers;
    }

    @Test
    void q4KMGivesMoreBitsToOutputAndEveryThirdLayerOfAttnVAndFfnDown() {
        Map<String, GgmlType> plan = QuantMix.parse("Q4_K_M").plan(llama(32, 4096, 11008 + 256));
        assertThat(plan.get("output.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(plan.get("token_embd.weight")).isEqualTo(GgmlType.Q4_K);
        assertThat(plan).doesNotContainKeys("blk.0.attn_norm.weight", "output_norm.weight");
        // 32 layers: the first 4, the last 4, and layers 4 + 3k + 2 between
        List<Integer> more = List.of(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31);
        assertThat(layersOfType(plan, "attn_v.weight", GgmlType.Q6_K)).containsExactlyElementsOf(more);
        assertThat(layersOfType(plan, "ffn_down.weight", GgmlType.Q6_K)).containsExactlyElementsOf(more);
        assertThat(layersOfType(plan, "attn_q.weight", GgmlType.Q4_K)).hasSize(32);
        assertThat(layersOfType(plan, "ffn_up.weight", GgmlType.Q4_K)).hasSize(32);
    }

    @Test
    void q5KMUsesQ5KAsBase() {
        Map<String, GgmlType> plan = QuantMix.parse("q5_k_m").plan(llama(2, 256, 768));
        assertThat(plan.get("blk.0.attn_v.weight")).isEqualTo(GgmlType.Q5_K);
        assertThat(plan.get("blk.1.attn_v.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(plan.get("blk.1.ffn_down.weight")).isEqualTo(GgmlType.Q6_K);
        assertThat(plan.get("output.weight")).isEqualTo(GgmlType.Q6_K);
    }

    @Test
    void tiedEmbeddingsTakeTheOutputRule() {
        List<QuantMix.Weight> w = new ArrayList<>(llama(2, 256, 768));
        w.removeIf(x -> x.name().equals("output.weight"));
        assertThat(QuantMix.parse("Q4_K_M").plan(w).get("token_embd.weight")).isEqualTo(GgmlType.Q6_K);
    }

    @Test
    void rowsThatAreNotWholeSuperBlocksFallBackAsLlamaCppDoes() {
        // stories260K: dim 64 (no K type fits, nor Q6_K for output -> Q8_0), ffn_down rows of 172 -> F16
        Map<String, GgmlType> plan = QuantMix.parse("Q4_K_M").plan(llama(5, 64, 172));
        assertThat(plan.get("blk.2.attn_q.weight")).isEqualTo(GgmlType.Q5_0);
        assertThat(plan.get("blk.4.attn_v.weight")).isEqualTo(GgmlType.Q8_0); // a "more bits" layer: Q6_K -> Q8_0
        assertThat(plan.get("output.weight")).isEqualTo(GgmlType.Q8_0);
        assertThat(plan.get("blk.2.ffn_down.weight")).isEqualTo(GgmlType.F16);
        assertThat(QuantMix.parse("Q5_K").plan(llama(1, 64, 172)).get("blk.0.attn_q.weight")).isEqualTo(GgmlType.Q5_1);
        assertThat(QuantMix.parse("Q8_0").plan(llama(1, 64, 172)).get("blk.0.ffn_down.weight")).isEqualTo(GgmlType.F16);
    }

    @Test
    void pureTypesPutEveryMatrixInOneType() {
        Map<String, GgmlType> plan = QuantMix.parse("Q6_K").plan(llama(8, 256, 768));
        assertThat(plan).hasSize(2 + 8 * 7);
        assertThat(plan.values()).containsOnly(GgmlType.Q6_K);
        assertThat(QuantMix.parse("Q4_K").fileType()).isEqualTo(15); // what llama-quantize --pure Q4_K writes
        assertThat(QuantMix.parse("mxfp4").plan(llama(2, 256, 768)).values()).containsOnly(GgmlType.MXFP4);
        assertThat(QuantMix.parse("MXFP4").fileType()).isEqualTo(38); // llama-quantize --pure MXFP4_MOE
    }

    @Test
    void unknownNamesAreRejectedWithTheKnownOnes() {
        assertThatThrownBy(() -> QuantMix.parse("Q3_K_XL")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Q3_K_XL").hasMessageContaining("Q4_K_M");
    }

    /**
     * A Q4_K_M plan of the shared master, quantized, equals llama.cpp's pure files tensor by tensor: each
     * tensor is byte-identical to the same tensor of randllama-d256-{its type}.gguf. (2 layers: layer 1 is
     * a "more bits" layer, so blk.1.attn_v and blk.1.ffn_down are Q6_K; output is Q6_K.)
     */
    @Test
    void q4KMOfTheSharedMasterMatchesLlamaQuantizeTensors() {
        Path dir = SharedData.require("testdata/models/randllama-d256");
        try (GgufFile master = GgufFile.open(dir.resolve("randllama-d256-F32.gguf"));
             GgufFile q4k = GgufFile.open(dir.resolve("randllama-d256-Q4_K.gguf"));
             GgufFile q6k = GgufFile.open(dir.resolve("randllama-d256-Q6_K.gguf"));
             Arena arena = Arena.ofConfined()) {
            List<QuantMix.Weight> weights = new ArrayList<>();
            for (GgufTensorInfo info : master.tensorInfos()) {
                weights.add(new QuantMix.Weight(info.name(), info.shape().rank(), master.tensor(info).cols()));
            }
            Map<String, GgmlType> plan = QuantMix.parse("Q4_K_M").plan(weights);
            assertThat(plan).hasSize(16);
            assertThat(plan.entrySet().stream().filter(e -> e.getValue() == GgmlType.Q6_K).map(Map.Entry::getKey))
                    .containsExactlyInAnyOrder("output.weight", "blk.1.attn_v.weight", "blk.1.ffn_down.weight");
            plan.forEach((name, type) -> {
                Tensor got = Quantizer.convert(master.tensor(name), type, arena);
                Tensor want = (type == GgmlType.Q6_K ? q6k : q4k).tensor(name);
                assertThat(got.data().mismatch(want.data())).as(name).isEqualTo(-1L);
            });
        }
    }
}
