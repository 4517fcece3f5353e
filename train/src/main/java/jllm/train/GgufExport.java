package jllm.train;

import java.lang.foreign.Arena;
import java.nio.file.Path;

import jllm.format.gguf.GgufWriter;
import jllm.kernel.Quantizer;
import jllm.model.llama.LlamaConfig;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * Writes trained llama weights as a standard llama GGUF that jllm and llama.cpp load: the
 * {@code llama.*} hyperparameter keys, the tokenizer, and the tensors with ggml shapes (ne[0] = input
 * dimension). Matrices are stored as {@code type} (F32, F16 or Q8_0); norm gains stay F32.
 *
 * <pre>{@code
 * GgufExport.write(Path.of("model.gguf"), params, tokenizer, "jllm-tiny", GgmlType.F32);
 * }</pre>
 */
public final class GgufExport {
    private GgufExport() {
    }

    /** Writes the model. */
    public static void write(Path path, LlamaParams params, GgufTokenizer tokenizer, String name, GgmlType type) {
        LlamaConfig c = params.config;
        GgufWriter.Builder b = GgufWriter.builder()
                .putString("general.architecture", "llama")
                .putString("general.name", name)
                .putUInt32("general.file_type", fileType(type))
                .putUInt32("llama.context_length", c.contextLength())
                .putUInt32("llama.embedding_length", c.dim())
                .putUInt32("llama.block_count", c.numLayers())
                .putUInt32("llama.feed_forward_length", c.hiddenDim())
                .putUInt32("llama.attention.head_count", c.numHeads())
                .putUInt32("llama.attention.head_count_kv", c.numKvHeads())
                .putFloat32("llama.rope.freq_base", c.ropeTheta())
                .putFloat32("llama.attention.layer_norm_rms_epsilon", c.normEps())
                .putUInt32("llama.vocab_size", c.vocabSize())
                .putUInt32("llama.rope.dimension_count", c.ropeDim());
        tokenizer.putInto(b);
        try (Arena arena = Arena.ofConfined()) {
            for (Param p : params.all()) {
                Shape shape = p.rows() == 1 ? Shape.of(p.cols()) : Shape.of(p.cols(), p.rows());
                Tensor f32 = Tensor.ofFloats(p.name(), shape, p.value());
                boolean matrix = p.rows() > 1;
                b.addTensor(matrix && type != GgmlType.F32 ? Quantizer.convert(f32, type, arena) : f32);
            }
            b.write(path);
        }
    }

    /** ggml's {@code general.file_type} (llama_ftype) of a model whose matrices are {@code type}. */
    static int fileType(GgmlType type) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q8_0 -> 7;
            default -> throw new IllegalArgumentException("export writes F32, F16 or Q8_0 matrices, not " + type);
        };
    }
}
