package jllm.eval.redteam;

/**
 * What the attacks are sent to: a model in process ({@link ModelTarget}) or an OpenAI-compatible server
 * ({@link OpenAiTarget}). One user message in, one reply out.
 */
public interface Target extends AutoCloseable {
    /** How reports name it: a model name or a URL. */
    String name();

    /**
     * The reply to {@code prompt} sent as the only (user) message.
     *
     * @param seed the sampling seed (targets sample greedily; a server may still use it)
     * @throws TargetException when the target cannot be reached or answers with an error other than a
     *                         content filter or a too-long prompt
     */
    Reply send(String prompt, long seed);

    @Override
    default void close() {
    }

    /** What came back. */
    enum Status {
        /** The model answered ({@link Reply#text()}). */
        ANSWERED,
        /** The target refused the prompt with a content filter (finish_reason or error code {@code content_filter}). */
        BLOCKED,
        /** The prompt does not fit the target's context. */
        TOO_LONG;

        /** The log's spelling: {@code answered}, {@code blocked}, {@code too_long}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A reply.
     *
     * @param text   the reply's text ({@code ""} unless answered)
     * @param detail why it was blocked or too long, as the target said; {@code ""} when answered
     */
    record Reply(Status status, String text, String detail) {
        public static Reply answered(String text) {
            return new Reply(Status.ANSWERED, text, "");
        }
    }
}
