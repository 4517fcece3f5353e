package jllm.eval.arena;

/** A vote the store will not take, and why. */
public final class VoteRefusedException extends Exception {
    /** Why a vote was refused. */
    public enum Reason {
        /** No battle has that id. */
        UNKNOWN_BATTLE,
        /** The battle already has its vote. */
        ALREADY_VOTED,
        /** An answer is still being written. */
        NOT_READY,
        /** An answer was cut short: the battle cannot be judged fairly. */
        INCOMPLETE_ANSWER
    }

    private final Reason reason;

    public VoteRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
