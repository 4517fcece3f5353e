package jllm.format.safetensors;

import java.util.List;
import java.util.Optional;

import jllm.tensor.GgmlType;

/**
 * One entry of a safetensors header.
 *
 * @param name   tensor name (Hugging Face naming)
 * @param dtype  the dtype string as written ({@code F32}, {@code BF16}, {@code U8}, ...)
 * @param shape  dimensions in the file's (row-major, PyTorch) order: the last one is contiguous
 * @param begin  first byte, relative to the start of the data section
 * @param end    one past the last byte, relative to the start of the data section
 */
public record SafetensorsTensorInfo(String name, String dtype, List<Long> shape, long begin, long end) {

    public SafetensorsTensorInfo {
        shape = List.copyOf(shape);
    }

    /** Byte size of the data. */
    public long bytes() {
        return end - begin;
    }

    /** The ggml type of the dtype, when jllm can hold it in a tensor. */
    public Optional<GgmlType> ggmlType() {
        return Optional.ofNullable(SafetensorsFile.ggmlType(dtype));
    }
}
