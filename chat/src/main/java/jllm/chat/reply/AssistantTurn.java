package jllm.chat.reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jllm.chat.ChatMessage;
import jllm.chat.ChatPrompt;
import jllm.chat.ChatTemplateException;
import jllm.chat.Tool;
import jllm.generate.Generator;
import jllm.generate.grammar.Grammar;
import jllm.generate.schema.SchemaException;

/**
 * The assistant's next turn in a conversation with tools and thinking: the prompt rendered with the
 * offered tools and template switches, the grammar that forces a call ({@link ChatTools.Choice#REQUIRED}
 * or a named function), and the reply read back, whole or piece by piece, in the model's own
 * {@link ReplyFormat}. The one implementation behind the server's chat completions, {@code jllm.api.Model}
 * and the LangChain4j models.
 *
 * <pre>{@code
 * AssistantTurn turn = AssistantTurn.of(prompt, messages, ChatTools.auto(tools), Map.of(), null, "call_");
 * // generate from turn.tokens() under turn.grammar(), feeding each piece of text:
 * List<ReplyEvent> events = turn.feed(piece);
 * Reply reply = turn.finish();
 * }</pre>
 */
public final class AssistantTurn {
    private final String promptText;
    private final int[] tokens;
    private final Grammar grammar;
    private final ReplyParser parser;
    private final boolean specialText;
    private final List<ReplyEvent> events = new ArrayList<>();

    private AssistantTurn(String promptText, int[] tokens, Grammar grammar, ReplyParser parser, boolean specialText) {
        this.promptText = promptText;
        this.tokens = tokens;
        this.grammar = grammar;
        this.parser = parser;
        this.specialText = specialText;
    }

    /**
     * Prepares the turn. A template that knows no tools (no {@code tools} in its source, generic format)
     * gets them described in the system message ({@link ReplyFormat#genericToolPrompt}).
     *
     * @param kwargs          template switches ({@code enable_thinking}, ...)
     * @param responseGrammar the output's grammar otherwise (a response format), or null for free text;
     *                        it may not be given with a forced call
     * @param idPrefix        call ids are this prefix and the call's index, unless the model wrote an id
     * @throws ChatTemplateException    when the template rejects the conversation
     * @throws SchemaException          when a forced tool's parameters cannot constrain a call
     * @throws IllegalArgumentException when a template switch holds what a template cannot read, or a
     *                                  response grammar is given with a forced call
     */
    public static AssistantTurn of(ChatPrompt prompt, List<ChatMessage> messages, ChatTools tools,
                                   Map<String, Object> kwargs, Grammar responseGrammar, String idPrefix) {
        List<Tool> active = tools.active();
        List<Tool> forced = tools.forced();
        if (responseGrammar != null && !forced.isEmpty()) {
            throw new IllegalArgumentException("a forced tool call and a response format cannot both constrain one reply");
        }
        String source = prompt.template().source();
        if (!active.isEmpty() && ReplyFormat.of(source, "").calls() == ReplyFormat.Calls.GENERIC && !source.contains("tools")) {
            messages = withSystemText(messages, ReplyFormat.genericToolPrompt(active));
        }
        String text = prompt.render(messages, active, kwargs);
        ReplyFormat format = ReplyFormat.of(source, text);
        Grammar grammar = forced.isEmpty() ? responseGrammar : CallGrammar.of(format.calls(), forced, tools.parallel());
        if (grammar != null && format.thinkingOpen()) { // the grammar starts at the first token: no reasoning first
            format = new ReplyFormat(format.calls(), format.thinkTags(), false);
        }
        return new AssistantTurn(text, prompt.tokens(text), grammar, format.parser(active, idPrefix), format.specialText());
    }

    /** The conversation with {@code text} leading its system message (a new one when it has none). */
    private static List<ChatMessage> withSystemText(List<ChatMessage> messages, String text) {
        List<ChatMessage> out = new ArrayList<>(messages);
        if (!out.isEmpty() && out.getFirst().role().equals("system")) {
            ChatMessage s = out.getFirst();
            out.set(0, new ChatMessage("system", text + "\n\n" + s.content()));
        } else {
            out.addFirst(ChatMessage.system(text));
        }
        return out;
    }

    /** The rendered prompt text. */
    public String promptText() {
        return promptText;
    }

    /** The prompt tokens to generate from. */
    public int[] tokens() {
        return tokens.clone();
    }

    /**
     * Whether the reply must be decoded with its control tokens as text ({@link Generator.Options#withSpecialText}):
     * the format's markers are such tokens (gpt-oss's harmony).
     */
    public boolean specialText() {
        return specialText;
    }

    /** The output's grammar: the forced call's, else the response grammar, else null. */
    public Grammar grammar() {
        return grammar;
    }

    /** Reads the next generated text; returns the events it completes. */
    public List<ReplyEvent> feed(String text) {
        List<ReplyEvent> fresh = parser.feed(text);
        events.addAll(fresh);
        return fresh;
    }

    /** Ends the reply; returns the events of the text still held back. */
    public List<ReplyEvent> flush() {
        List<ReplyEvent> fresh = parser.finish();
        events.addAll(fresh);
        return fresh;
    }

    /** The whole reply so far (call after {@link #flush()} for all of it). */
    public Reply reply() {
        return Reply.of(events);
    }

    /** True when the reply called a tool. */
    public boolean called() {
        return parser.callCount() > 0;
    }
}
