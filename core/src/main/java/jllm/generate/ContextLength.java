package jllm.generate;

import java.util.Optional;

/**
 * How many positions a session holds: the one rule the commands and the server follow.
 * <ul>
 *   <li>Not asked for: the model's trained context, at most {@link #DEFAULT_MAX} positions (a model trained on
 *       128K positions would otherwise let one conversation grow a KV cache of gigabytes; ask for more with
 *       {@code --ctx}).</li>
 *   <li>Asked for ({@code --ctx N}): N positions. Past the trained context that is allowed, with a
 *       {@link #warning()}: positions there get no rope scaling, and text past the trained length degrades.</li>
 * </ul>
 * Generation stops at the end of the context (finish reason {@code CONTEXT}); {@link #describe()} says
 * which rule set the length, so messages and help text agree.
 *
 * <pre>{@code
 * ContextLength c = ContextLength.choose(ctxOption, model.info().contextLength());
 * c.warning().ifPresent(w -> System.err.println("warning: " + w));
 * Session session = Session.of(model, c.positions());
 * }</pre>
 *
 * @param positions the positions a session holds
 * @param trained   the model's trained context length (its {@code context_length})
 * @param asked     whether the caller asked for {@code positions}, rather than taking the default
 */
public record ContextLength(int positions, int trained, boolean asked) {
    /** The most positions the default gives, however long the model's trained context. */
    public static final int DEFAULT_MAX = 4096;

    public ContextLength {
        if (positions < 1 || trained < 1) {
            throw new IllegalArgumentException("context lengths must be positive, got " + positions + " of " + trained);
        }
    }

    /**
     * The context for a request of {@code requested} positions (0 = the default) on a model trained on
     * {@code trained} positions (0 or less = unknown: the default is then {@link #DEFAULT_MAX}).
     */
    public static ContextLength choose(int requested, int trained) {
        if (requested < 0) {
            throw new IllegalArgumentException("--ctx must be positive, got " + requested);
        }
        int known = trained > 0 ? trained : DEFAULT_MAX;
        if (requested > 0) {
            return new ContextLength(requested, known, true);
        }
        return new ContextLength(Math.min(known, DEFAULT_MAX), known, false);
    }

    /** Whether the context reaches past the positions the model was trained on. */
    public boolean beyondTrained() {
        return positions > trained;
    }

    /** The warning to show once when the context reaches past the trained context. */
    public Optional<String> warning() {
        if (!beyondTrained()) {
            return Optional.empty();
        }
        return Optional.of("a context of " + positions + " positions is past the model's trained context of " + trained
                + ": rope scaling is not applied, so text past position " + trained + " degrades");
    }

    /**
     * What the context holds and why, for messages: "256 positions (the model's trained context)",
     * "4096 positions (the default cap; the model's trained context is 32768: --ctx raises it)", "512 positions (--ctx)".
     */
    public String describe() {
        if (asked) {
            return positions + " positions (--ctx" + (beyondTrained() ? "; the model was trained on " + trained : "") + ")";
        }
        if (positions < trained) {
            return positions + " positions (the default cap; the model's trained context is " + trained + ": --ctx raises it)";
        }
        return positions + " positions (the model's trained context)";
    }

    /** What a user can do when the context is too short: a larger --ctx, and what that costs. */
    public String remedy() {
        if (positions < trained) {
            return "raise it with --ctx, up to " + trained + " (the model's trained context)";
        }
        return "a larger --ctx holds more, but past the model's trained context of " + trained
                + " rope scaling is not applied and text degrades";
    }
}
