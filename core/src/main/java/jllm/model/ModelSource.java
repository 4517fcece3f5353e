package jllm.model;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufMetadata;
import jllm.kernel.Kernels;
import jllm.model.blocks.Rope;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * A model's parameters as read from any supported format: GGUF-style metadata (other formats are
 * translated into GGUF keys at the edge) and tensors by GGUF name, still memory-mapped.
 *
 * @param format    "gguf", "llama2c" or "safetensors"
 * @param path      the file or folder
 * @param metadata  metadata in GGUF vocabulary ({@code general.architecture}, {@code llama.block_count} ...)
 * @param tensors   tensors by GGUF name
 * @param ropeStyle the rope pairing the stored q/k weights expect, when the format decides it
 *                  (Hugging Face checkpoints are not permuted as GGUF's llama weights are); empty to let the
 *                  architecture decide
 * @param resource  closes the mapping
 */
public record ModelSource(String format, Path path, GgufMetadata metadata, Map<String, Tensor> tensors,
                          Optional<Rope.Style> ropeStyle, AutoCloseable resource) implements AutoCloseable {

    public ModelSource {
        tensors = Collections.unmodifiableMap(tensors);
    }

    /** The architecture name ({@code general.architecture}). */
    public String architecture() {
        return metadata.string("general.architecture")
                .orElseThrow(() -> metadata.error("general.architecture", "missing: the file does not say which architecture it holds"));
    }

    /** A required tensor. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(path.toString(), name, "required tensor is missing", null);
        }
        return t;
    }

    /** A required tensor whose shape must be exactly {@code ne} (ggml order). */
    public Tensor tensor(String name, long... ne) {
        Tensor t = tensor(name);
        if (!t.shape().equals(Shape.of(ne))) {
            throw new ModelFormatException(path.toString(), name, "has shape " + t.shape() + ", expected "
                    + Shape.of(ne) + " from the hyperparameters", null);
        }
        return t;
    }

    /** An optional vector of exactly {@code width} values, as floats; null when the source has none. */
    public float[] optionalVector(String name, long width, Kernels k) {
        return tensors.containsKey(name) ? k.dequantize(tensor(name, width)) : null;
    }

    /** An optional tensor. */
    public Optional<Tensor> optionalTensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + path + ": " + e.getMessage(), e);
        }
    }
}
