package jllm.model;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import jllm.tensor.Tensor;

/** Opens model files of every supported format as a {@link ModelSource}. */
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
}
