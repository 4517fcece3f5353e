package jllm.tokenizer;

/**
 * The kind of a vocabulary entry, numbered as GGUF's {@code tokenizer.ggml.token_type} (1..6).
 * Only {@link #CONTROL} and {@link #UNKNOWN} texts are hidden when decoding without specials;
 * {@link #USER_DEFINED} texts are always matched in input, control texts only when asked.
 */
public enum TokenType {
    NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE;

    /** The GGUF id of this type (1..6). */
    public int ggufId() {
        return ordinal() + 1;
    }

    /** The type with GGUF id {@code id}; 0 (undefined) and unknown ids read as NORMAL, as llama.cpp does. */
    public static TokenType fromGguf(long id) {
        return id >= 1 && id <= 6 ? values()[(int) id - 1] : NORMAL;
    }
}
