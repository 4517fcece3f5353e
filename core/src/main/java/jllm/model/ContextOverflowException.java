package jllm.model;

/** A sequence grew past the context length the model or cache was set up for. */
public final class ContextOverflowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContextOverflowException(int needed, int max) {
        super("the sequence needs " + needed + " positions but the context holds " + max
                + " (shorten the input, or give a larger --ctx; past the model's trained context, text degrades)");
    }
}
