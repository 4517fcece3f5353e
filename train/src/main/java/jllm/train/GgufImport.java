package jllm.train;

import java.nio.file.Path;

import jllm.kernel.Kernels;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import jllm.model.TensorName;
import jllm.model.llama.LlamaConfig;
import jllm.tensor.Tensor;

/**
 * Reads a llama GGUF (any storage type jllm decodes) into trainable float weights and its tokenizer, to
 * fine-tune it.
 */
public final class GgufImport {
    private GgufImport() {
    }

    /** A loaded model. */
    public record Loaded(LlamaParams params, GgufTokenizer tokenizer) {
    }

    /** Loads {@code path}; the classifier is tied when the file has no {@code output.weight}. */
    public static Loaded load(Path path) {
        try (ModelSource s = ModelSources.gguf(path); Kernels k = Kernels.scalar()) {
            if (!s.architecture().equals("llama")) {
                throw s.metadata().error("general.architecture", "training fine-tunes llama models, not " + s.architecture());
            }
            LlamaConfig c = LlamaConfig.from(s);
            boolean tied = s.optionalTensor(TensorName.OUTPUT.global()).isEmpty();
            LlamaParams params = new LlamaParams(c, tied);
            for (Param p : params.all()) {
                Tensor t = s.tensor(p.name());
                if (t.size() != p.size()) {
                    throw s.metadata().error(p.name(), "has " + t.size() + " values, expected " + p.size());
                }
                for (long r = 0; r < t.rows(); r++) {
                    k.dequantizeRow(p.value(), (int) (r * t.cols()), t, r);
                }
            }
            return new Loaded(params, GgufTokenizer.from(s.metadata()));
        }
    }
}
