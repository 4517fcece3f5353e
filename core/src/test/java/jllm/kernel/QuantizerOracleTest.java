package jllm.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.nio.file.Path;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Quantizing the shared F32 master reproduces llama.cpp's quantized files byte for byte, tensor by
 * tensor (testdata/models/SOURCE.md: llama-quantize --pure and gguf-py agree byte for byte on these).
 * Without an importance matrix llama-quantize runs ggml's deterministic {@code quantize_row_*_ref} for
 * every type here, K-quants included, and jllm follows their float arithmetic step by step.
 */
class QuantizerOracleTest {

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "F16", "BF16"})
    void reproducesLlamaQuantizeOutput(GgmlType type) {
        Path dir = SharedData.require("testdata/models/randllama-d256");
        try (GgufFile master = GgufFile.open(dir.resolve("randllama-d256-F32.gguf"));
             GgufFile expected = GgufFile.open(dir.resolve("randllama-d256-" + type + ".gguf"));
             Arena arena = Arena.ofConfined()) {
            int compared = 0;
            for (GgufTensorInfo info : master.tensorInfos()) {
                Tensor want = expected.tensor(info.name());
                if (info.shape().rank() < 2) {
                    assertThat(want.type()).isEqualTo(GgmlType.F32); // norms stay F32
                    continue;
                }
                Tensor got = Quantizer.convert(master.tensor(info), type, arena);
                assertThat(want.type()).isEqualTo(type);
                assertThat(got.data().mismatch(want.data())).as(info.name()).isEqualTo(-1L);
                compared++;
            }
            assertThat(compared).isEqualTo(16);
        }
    }
}
