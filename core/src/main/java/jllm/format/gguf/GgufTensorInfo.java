package jllm.format.gguf;

import jllm.tensor.GgmlType;
import jllm.tensor.Shape;

/**
 * One entry of a GGUF file's tensor table.
 *
 * @param name   tensor name
 * @param type   storage type
 * @param shape  dimensions, ggml order
 * @param offset byte offset of the data, relative to the start of the data section
 * @param bytes  byte size of the data
 */
public record GgufTensorInfo(String name, GgmlType type, Shape shape, long offset, long bytes) {
}
