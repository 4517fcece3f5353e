package jllm.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import jllm.model.blocks.Rope;
import jllm.model.llama.LlamaConfig;
import jllm.tensor.GgmlType;
import jllm.train.bpe.BpeTrainer;
import jllm.train.bpe.BpeVocabulary;
import jllm.train.task.Arithmetic;

/** Small llama shapes for tests. */
public final class TinyModels {
    private TinyModels() {
    }

    /** dim 8, hidden 12, 2 layers, 2 query heads over 1 KV head, vocabulary 11, context 8. */
    public static LlamaConfig tiny() {
        return config(8, 12, 2, 2, 1, 11, 8);
    }

    public static LlamaConfig config(int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads, int vocab, int context) {
        int headDim = dim / numHeads;
        return new LlamaConfig(dim, hiddenDim, numLayers, numHeads, numKvHeads, headDim, vocab, context, 1e-5f,
                10000f, headDim, Rope.Style.NORM);
    }

    /**
     * A random-weight chat model (dim 32, 2 layers, ChatML template) whose BPE (300 tokens) knows
     * arithmetic text, written to {@code dir/base.gguf}: what the GRPO and scorer tests sample from.
     */
    public static Path arithmeticChatModel(Path dir, int context) {
        BpeTrainer bpe = new BpeTrainer(PretrainConfig.CHATML_SPECIALS);
        for (Arithmetic.Problem p : Arithmetic.trainingSet(1, List.of(Arithmetic.Op.values()), 2, 2, 50)) {
            bpe.add("user\n" + p.question() + "\nassistant\n" + p.solution() + "\n");
        }
        BpeVocabulary v = bpe.train(300);
        LlamaParams p = new LlamaParams(new ModelShape(32, 64, 2, 4, 2, context, 10000f, true).config(v.size()), true).initialize(1);
        Path f = dir.resolve("base.gguf");
        p.writeGguf(f, v.toGguf(0, 0, true, Optional.of(PretrainConfig.CHATML_TEMPLATE)), "base", GgmlType.F32);
        return f;
    }
}
