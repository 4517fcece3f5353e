package jllm.compress.coder;

/** Coded data that cannot have come from the encoder: truncated, or changed after writing. */
public final class CorruptStreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptStreamException(String message) {
        super(message);
    }
}
