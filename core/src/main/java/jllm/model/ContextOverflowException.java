package jllm.model;

/** A sequence grew past the context length the model or cache was set up for. */
public final class ContextOverflowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContextOverflowException(int needed, int max) {
        super("the sequence needs " + needed + " positions but the context holds " + max
                + " (raise it with --ctx, up to the model's context length, or shorten the input)");
    }
}
