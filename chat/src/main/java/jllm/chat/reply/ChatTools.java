package jllm.chat.reply;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import jllm.chat.Tool;

/**
 * The tools a chat turn offers and how the model may use them, as OpenAI's {@code tools},
 * {@code tool_choice} and {@code parallel_tool_calls} say it.
 *
 * <pre>{@code
 * ChatTools tools = ChatTools.auto(List.of(weather));          // the model may call get_weather
 * ChatTools must = ChatTools.of(List.of(weather), ChatTools.Choice.REQUIRED, Optional.empty(), false);
 * }</pre>
 *
 * @param offered  the functions offered (names unique)
 * @param choice   whether the model may, must not or must call one
 * @param named    with {@link Choice#NAMED}: the function it must call
 * @param parallel whether a reply may hold more than one call
 */
public record ChatTools(List<Tool> offered, Choice choice, Optional<String> named, boolean parallel) {

    /** No tools. */
    public static final ChatTools NONE = new ChatTools(List.of(), Choice.NONE, Optional.empty(), true);

    /** OpenAI's {@code tool_choice}. */
    public enum Choice {
        /** The model decides whether to call (the default when tools are offered). */
        AUTO,
        /** The model is not shown the tools and its reply is read as text only. */
        NONE,
        /** The reply is one or more calls, constrained by {@link CallGrammar}. */
        REQUIRED,
        /** The reply is a call of the {@code named} function, constrained by {@link CallGrammar}. */
        NAMED
    }

    public ChatTools {
        offered = List.copyOf(offered);
        Objects.requireNonNull(choice, "choice");
        Objects.requireNonNull(named, "named");
        if (offered.stream().map(Tool::name).distinct().count() != offered.size()) {
            throw new IllegalArgumentException("the tools offered name a function twice");
        }
        if (offered.isEmpty() && (choice == Choice.REQUIRED || choice == Choice.NAMED)) {
            throw new IllegalArgumentException("tool choice " + choice.name().toLowerCase(java.util.Locale.ROOT)
                    + " needs tools to call; none are offered");
        }
        if (choice == Choice.NAMED != named.isPresent()) {
            throw new IllegalArgumentException("a function name goes with tool choice NAMED, and only with it");
        }
        if (named.isPresent() && offered.stream().noneMatch(t -> t.name().equals(named.get()))) {
            throw new IllegalArgumentException("tool choice names the function '" + named.get()
                    + "', which is not among the tools offered");
        }
    }

    /** {@code tools} the model may call or not ({@link Choice#AUTO}, parallel calls allowed). */
    public static ChatTools auto(List<Tool> tools) {
        return new ChatTools(tools, tools.isEmpty() ? Choice.NONE : Choice.AUTO, Optional.empty(), true);
    }

    /** {@code tools} of which the model must call at least one ({@link Choice#REQUIRED}). */
    public static ChatTools required(List<Tool> tools, boolean parallel) {
        return new ChatTools(tools, Choice.REQUIRED, Optional.empty(), parallel);
    }

    /** The tools the model is shown and the parser reads calls of: none with {@link Choice#NONE}. */
    public List<Tool> active() {
        return choice == Choice.NONE ? List.of() : offered;
    }

    /** The tools a constrained call may pick (all, or the named one), or empty when calls are not forced. */
    public List<Tool> forced() {
        return switch (choice) {
            case REQUIRED -> offered;
            case NAMED -> offered.stream().filter(t -> t.name().equals(named.orElseThrow())).toList();
            case AUTO, NONE -> List.of();
        };
    }
}
