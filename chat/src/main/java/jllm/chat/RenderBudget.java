package jllm.chat;

import com.hubspot.jinjava.interpret.InterpretException;

/**
 * The work one render has done and may still do; also carries a {@code raise_exception} message out of
 * jinjava, which otherwise records errors and carries on.
 *
 * <p>jinjava calls {@link #step()} before every tag and expression node (a node pre-processor), so a
 * loop or recursive macro that runs away hits the step or time bound within one node's work. The budget
 * of the render on this thread is found through a thread-local because jinjava's hooks are static or
 * shared by every render of a template.
 */
final class RenderBudget {

    private static final ThreadLocal<RenderBudget> CURRENT = new ThreadLocal<>();

    private final ChatTemplateOptions options;
    private final long deadlineNanos;
    private long steps;
    private String raised;
    private String exceeded;

    private RenderBudget(ChatTemplateOptions options) {
        this.options = options;
        this.deadlineNanos = System.nanoTime() + options.maxRenderTime().toNanos();
    }

    /** Starts a budget for a render on this thread; close it when the render ends. */
    static RenderBudget open(ChatTemplateOptions options) {
        RenderBudget budget = new RenderBudget(options);
        CURRENT.set(budget);
        return budget;
    }

    void close() {
        CURRENT.remove();
    }

    /** The budget of the render running on this thread, or null outside a render. */
    static RenderBudget current() {
        return CURRENT.get();
    }

    /** The node pre-processor: counts a step of {@code budget}; outside a render (null) there is nothing to count. */
    static void step(RenderBudget budget) {
        if (budget != null) {
            budget.step();
        }
    }

    ChatTemplateOptions options() {
        return options;
    }

    /** Counts one node; aborts the render when a bound is exceeded or the template has raised. */
    void step() {
        if (raised != null || exceeded != null) {
            throw new Aborted();
        }
        steps++;
        if (steps > options.maxSteps()) {
            exceed("the template executed more than " + options.maxSteps() + " steps (loop iterations and nodes)");
        }
        if ((steps & 63) == 0 && System.nanoTime() - deadlineNanos > 0) {
            exceed("the template ran longer than " + options.maxRenderTime().toMillis() + " ms");
        }
    }

    /** Records that a bound was exceeded and aborts the render. */
    void exceed(String what) {
        if (exceeded == null) {
            exceeded = what;
        }
        throw new Aborted();
    }

    /** Records the template's {@code raise_exception(message)} and aborts the render. */
    void raise(String message) {
        if (raised == null) {
            raised = message;
        }
        throw new Aborted();
    }

    String raised() {
        return raised;
    }

    String exceeded() {
        return exceeded;
    }

    /**
     * Unwinds a render. An {@link InterpretException} because jinjava's tag nodes let those through; where
     * jinjava catches it anyway (expressions), the next {@link #step()} throws again.
     */
    static final class Aborted extends InterpretException {
        private static final long serialVersionUID = 1L;

        Aborted() {
            super("chat template render aborted");
        }
    }
}
