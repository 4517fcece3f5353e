package jllm.train;

/**
 * One trainable tensor: its GGUF name, its shape as rows of {@code cols} values (ggml ne = [cols, rows]),
 * its values and the gradient accumulated into it.
 *
 * @param decay whether AdamW's weight decay applies (matrices yes, norm gains no, as nanoGPT)
 */
public record Param(String name, int rows, int cols, float[] value, float[] grad, boolean decay) {

    /** A zero-valued parameter of shape (rows, cols). */
    public static Param of(String name, int rows, int cols, boolean decay) {
        return new Param(name, rows, cols, new float[rows * cols], new float[rows * cols], decay);
    }

    /** Number of values. */
    public int size() {
        return value.length;
    }
}
