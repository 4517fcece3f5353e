package jllm.chat;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link ChatTemplate} can be told: the clock behind {@code strftime_now} and the bounds
 * on the work one render may do. Templates come from model files, so they are treated as untrusted code.
 *
 * <pre>{@code
 * var options = ChatTemplateOptions.defaults().withClock(Clock.fixed(Instant.parse("2024-07-26T00:00:00Z"), ZoneOffset.UTC));
 * ChatTemplate template = ChatTemplate.of(source, options);
 * }</pre>
 *
 * @param clock          the time {@code strftime_now(fmt)} formats (in the clock's zone)
 * @param maxOutputChars the longest prompt a render may produce, and the longest string or JSON text
 *                       it may build on the way
 * @param maxSteps       how many template nodes (tags and {{ }} expressions, counted every time a loop
 *                       body or macro runs them again) one render may execute
 * @param maxRenderTime  the wall-clock time one render may take
 * @param maxCollection  the largest list or dict a template may build, and the longest {@code range(n)}
 * @param maxDepth       the deepest nesting of macro calls (recursion) and template structures
 */
public record ChatTemplateOptions(
        Clock clock,
        int maxOutputChars,
        long maxSteps,
        Duration maxRenderTime,
        int maxCollection,
        int maxDepth) {

    public ChatTemplateOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(maxRenderTime, "maxRenderTime");
        if (maxOutputChars <= 0 || maxSteps <= 0 || maxCollection <= 0 || maxDepth <= 0
                || maxRenderTime.isNegative() || maxRenderTime.isZero()) {
            throw new IllegalArgumentException("chat template limits must be positive: maxOutputChars=" + maxOutputChars
                    + " maxSteps=" + maxSteps + " maxRenderTime=" + maxRenderTime + " maxCollection=" + maxCollection
                    + " maxDepth=" + maxDepth);
        }
    }

    /** System clock; 1 MiB of output; 1,000,000 steps; 2 s; 100,000 elements; depth 64. */
    public static ChatTemplateOptions defaults() {
        return new ChatTemplateOptions(Clock.systemDefaultZone(), 1 << 20, 1_000_000, Duration.ofSeconds(2), 100_000, 64);
    }

    /** The same options with another clock, e.g. {@link Clock#fixed} for reproducible prompts. */
    public ChatTemplateOptions withClock(Clock newClock) {
        return new ChatTemplateOptions(newClock, maxOutputChars, maxSteps, maxRenderTime, maxCollection, maxDepth);
    }

    /** The same options with other work bounds. */
    public ChatTemplateOptions withLimits(int newMaxOutputChars, long newMaxSteps, Duration newMaxRenderTime) {
        return new ChatTemplateOptions(clock, newMaxOutputChars, newMaxSteps, newMaxRenderTime, maxCollection, maxDepth);
    }
}
