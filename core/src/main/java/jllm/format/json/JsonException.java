package jllm.format.json;

/** Malformed JSON; the message names the source, the problem and the line and column. */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
