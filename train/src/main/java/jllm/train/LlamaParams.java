package jllm.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import jllm.format.gguf.GgufWriter;
import jllm.model.GgufExport;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.llama.LlamaConfig;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * The trainable weights of a llama model, named and shaped as in GGUF: matrices are (out, in) row-major.
 * With {@code tied} the classifier is the embedding table (no {@code output.weight}).
 *
 * <pre>{@code
 * params.writeGguf(Path.of("model.gguf"), tokenizer, "jllm-tiny", GgmlType.F16);
 * }</pre>
 */
public final class LlamaParams {
    public final LlamaConfig config;
    public final boolean tied;
    public final Param tokenEmbedding; // (vocabSize, dim)
    public final Param[] attnNorm;     // (numLayers) x (dim)
    public final Param[] wq;           // (numLayers) x (numHeads * headDim, dim)
    public final Param[] wk;           // (numLayers) x (numKvHeads * headDim, dim)
    public final Param[] wv;           // (numLayers) x (numKvHeads * headDim, dim)
    public final Param[] wo;           // (numLayers) x (dim, numHeads * headDim)
    public final Param[] ffnNorm;      // (numLayers) x (dim)
    public final Param[] wGate;        // (numLayers) x (hiddenDim, dim)
    public final Param[] wUp;          // (numLayers) x (hiddenDim, dim)
    public final Param[] wDown;        // (numLayers) x (dim, hiddenDim)
    public final Param outputNorm;     // (dim)
    public final Param output;         // (vocabSize, dim), or null when tied
    private final List<Param> all = new ArrayList<>();

    /** Zero weights of the given shape; see {@link #initialize(long)}. */
    public LlamaParams(LlamaConfig c, boolean tied) {
        this.config = c;
        this.tied = tied;
        int n = c.numLayers();
        int qDim = c.numHeads() * c.headDim();
        int kvDim = c.numKvHeads() * c.headDim();
        tokenEmbedding = add(Param.of(TensorName.TOKEN_EMBD.global(), c.vocabSize(), c.dim(), true));
        attnNorm = new Param[n];
        wq = new Param[n];
        wk = new Param[n];
        wv = new Param[n];
        wo = new Param[n];
        ffnNorm = new Param[n];
        wGate = new Param[n];
        wUp = new Param[n];
        wDown = new Param[n];
        for (int l = 0; l < n; l++) {
            attnNorm[l] = add(Param.of(TensorName.ATTN_NORM.layer(l), 1, c.dim(), false));
            wq[l] = add(Param.of(TensorName.ATTN_Q.layer(l), qDim, c.dim(), true));
            wk[l] = add(Param.of(TensorName.ATTN_K.layer(l), kvDim, c.dim(), true));
            wv[l] = add(Param.of(TensorName.ATTN_V.layer(l), kvDim, c.dim(), true));
            wo[l] = add(Param.of(TensorName.ATTN_OUTPUT.layer(l), c.dim(), qDim, true));
            ffnNorm[l] = add(Param.of(TensorName.FFN_NORM.layer(l), 1, c.dim(), false));
            wGate[l] = add(Param.of(TensorName.FFN_GATE.layer(l), c.hiddenDim(), c.dim(), true));
            wUp[l] = add(Param.of(TensorName.FFN_UP.layer(l), c.hiddenDim(), c.dim(), true));
            wDown[l] = add(Param.of(TensorName.FFN_DOWN.layer(l), c.dim(), c.hiddenDim(), true));
        }
        outputNorm = add(Param.of(TensorName.OUTPUT_NORM.global(), 1, c.dim(), false));
        output = tied ? null : add(Param.of(TensorName.OUTPUT.global(), c.vocabSize(), c.dim(), true));
    }

    private Param add(Param p) {
        all.add(p);
        return p;
    }

    /**
     * GPT-2/nanoGPT initialization: every matrix N(0, 0.02), the projections into the residual stream
     * (attn_output, ffn_down) N(0, 0.02/sqrt(2·numLayers)), norm gains 1.
     */
    public LlamaParams initialize(long seed) {
        Random rnd = new Random(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * config.numLayers());
        for (Param p : all) {
            boolean residual = p.name().endsWith("attn_output.weight") || p.name().endsWith("ffn_down.weight");
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = p.decay() ? (float) (rnd.nextGaussian() * (residual ? residualStd : 0.02)) : 1f;
            }
        }
        return this;
    }

    /** The classifier (vocabSize, dim): output.weight, or the embedding table when tied. */
    public Param classifier() {
        return tied ? tokenEmbedding : output;
    }

    /** Every parameter, in GGUF tensor order. */
    public List<Param> all() {
        return Collections.unmodifiableList(all);
    }

    /** Total number of values. */
    public long count() {
        long n = 0;
        for (Param p : all) {
            n += p.size();
        }
        return n;
    }

    /** Sets every gradient to 0. */
    public void zeroGrad() {
        for (Param p : all) {
            java.util.Arrays.fill(p.grad(), 0f);
        }
    }

    /**
     * Writes these weights as a standard llama GGUF that jllm and llama.cpp load, through core's
     * {@link GgufExport}: the {@code llama.*} hyperparameter keys, the tokenizer, and the tensors with
     * ggml shapes (ne[0] = input dimension). Matrices are stored as {@code type} (F32, F16 or Q8_0); norm
     * gains stay F32.
     */
    public void writeGguf(Path path, GgufTokenizer tokenizer, String name, GgmlType type) {
        writeGguf(path, tokenizer, name, type, b -> { }, List.of());
    }

    /**
     * {@link #writeGguf(Path, GgufTokenizer, String, GgmlType)} with more metadata keys and more tensors
     * after the model's (a head trained on top of it, such as the guard's classifier).
     */
    public void writeGguf(Path path, GgufTokenizer tokenizer, String name, GgmlType type,
                          java.util.function.Consumer<GgufWriter.Builder> extraMetadata, List<Param> extraTensors) {
        LlamaConfig c = config;
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
        extraMetadata.accept(b);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<Param> written = new ArrayList<>(all);
        written.addAll(extraTensors);
        for (Param p : written) {
            Shape shape = p.rows() == 1 ? Shape.of(p.cols()) : Shape.of(p.cols(), p.rows());
            tensors.put(p.name(), Tensor.ofFloats(p.name(), shape, p.value()));
        }
        ModelSource source = new ModelSource("trained", path, b.metadata(), tensors, Optional.empty(), () -> { });
        GgufExport.write(source, Optional.empty(), type == GgmlType.F32 ? Optional.empty() : Optional.of(type), path);
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
