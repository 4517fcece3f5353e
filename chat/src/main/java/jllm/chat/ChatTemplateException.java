package jllm.chat;

/**
 * A chat template could not be parsed or rendered.
 *
 * <p>The message says what to do about it: which construct failed to parse, which work bound a render
 * exceeded, or, when the template itself called {@code raise_exception(msg)}, exactly the template's
 * {@code msg} (see {@link #raisedByTemplate()}).
 */
public final class ChatTemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean raisedByTemplate;

    public ChatTemplateException(String message) {
        this(message, false, null);
    }

    public ChatTemplateException(String message, Throwable cause) {
        this(message, false, cause);
    }

    private ChatTemplateException(String message, boolean raisedByTemplate, Throwable cause) {
        super(message, cause);
        this.raisedByTemplate = raisedByTemplate;
    }

    /** The template called {@code raise_exception(message)}; the message is the template's own text. */
    static ChatTemplateException raisedByTemplate(String message) {
        return new ChatTemplateException(message, true, null);
    }

    /** True when the template itself rejected its input with {@code raise_exception(...)}. */
    public boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
