package jllm.compress;

/** A .jz file that cannot be decoded: wrong magic, truncated, inconsistent, made with another model, or failing its checksum. */
public final class JzFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JzFormatException(String message) {
        super(message);
    }
}
