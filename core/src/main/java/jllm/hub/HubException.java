package jllm.hub;

/** A pull or a pulled-name lookup that failed, with a one-line message a user can act on. */
public final class HubException extends RuntimeException {
    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
