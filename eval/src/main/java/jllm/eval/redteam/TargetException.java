package jllm.eval.redteam;

/** A target could not be reached, or answered with an error the harness cannot count as a verdict. */
public final class TargetException extends RuntimeException {
    public TargetException(String message) {
        super(message);
    }

    public TargetException(String message, Throwable cause) {
        super(message, cause);
    }
}
