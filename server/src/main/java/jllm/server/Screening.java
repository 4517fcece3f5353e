package jllm.server;

import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jllm.chat.ChatMessage;
import jllm.model.Classifier;

/**
 * What the server does to a request's text before a model reads it: screen the user messages, tool
 * results and text prompts with a guard {@link Classifier} (a flagged request is refused and never
 * reaches the model), and spotlight tool results ({@link Spotlight}).
 *
 * <p>A flagged request is answered as Azure OpenAI answers a prompt its content filter stops: HTTP 400,
 * {@code {"error": {"code": "content_filter", "type": "invalid_request_error", "param": "messages", ...}}}
 * (docs/guard.md says why this and not a 200 with {@code finish_reason: "content_filter"}).
 *
 * <pre>{@code
 * Screening s = new Screening(Optional.of(Classifier.open(Path.of("guard.gguf"), 1)), Spotlight.Mode.DELIMIT);
 * OpenAiServer.start(models, ServerOptions.DEFAULTS, List.of(), s);
 * }</pre>
 *
 * @param guard     the classifier that screens requests; empty: none screened
 * @param spotlight how tool results are marked before templating
 */
public record Screening(Optional<Classifier> guard, Spotlight.Mode spotlight) {
    /** No guard, no spotlighting. */
    public static final Screening NONE = new Screening(Optional.empty(), Spotlight.Mode.OFF);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The roles whose messages the guard reads: what a user typed and what a tool returned. */
    static final List<String> SCREENED_ROLES = List.of("user", "tool");

    /**
     * Screens a chat request's user and tool messages; throws the refusal when one is flagged. Every
     * message screened and flagged is counted in {@code metrics} by role, and the time taken once.
     */
    void chat(List<ChatMessage> messages, Metrics metrics) {
        if (guard.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            for (int i = 0; i < messages.size(); i++) {
                ChatMessage m = messages.get(i);
                if (SCREENED_ROLES.contains(m.role()) && !m.content().isBlank()) {
                    check(m.content(), m.role(), "messages", "messages[" + i + "] (role " + m.role() + ")", metrics);
                }
            }
        } finally {
            metrics.guardLatency(System.nanoTime() - start);
        }
    }

    /** Screens a text completion's prompt (counted under role {@code prompt}); throws the refusal when flagged. */
    void prompt(String text, Metrics metrics) {
        if (guard.isEmpty() || text.isBlank()) {
            return;
        }
        long start = System.nanoTime();
        try {
            check(text, "prompt", "prompt", "the prompt", metrics);
        } finally {
            metrics.guardLatency(System.nanoTime() - start);
        }
    }

    private void check(String text, String role, String param, String what, Metrics metrics) {
        Classifier c = guard.orElseThrow();
        Classifier.Verdict v;
        synchronized (c) { // one text at a time: the classifier's kernels are not shared between threads
            v = c.check(text);
        }
        metrics.guardScreened(role, v.attack());
        if (v.attack()) {
            throw new ApiException(400, "invalid_request_error", param, "content_filter", String.format(Locale.ROOT,
                    "The request was refused: the guard flagged %s as a likely prompt injection or jailbreak "
                            + "(P(attack) %.3f > threshold %.3f). It was not sent to the model.", what, v.score(), c.threshold()));
        }
    }

    /** The messages with tool results spotlit, under a marker drawn for this request. */
    List<ChatMessage> spotlit(List<ChatMessage> messages) {
        return spotlight.apply(messages, RANDOM);
    }
}
