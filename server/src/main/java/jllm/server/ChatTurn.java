package jllm.server;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jllm.chat.ChatMessage;
import jllm.chat.ChatPrompt;
import jllm.chat.ChatTemplateException;
import jllm.chat.Tool;
import jllm.chat.reply.CallGrammar;
import jllm.chat.reply.Reply;
import jllm.chat.reply.ReplyEvent;
import jllm.chat.reply.ReplyFormat;
import jllm.chat.reply.ReplyParser;
import jllm.generate.grammar.Grammar;
import jllm.generate.schema.SchemaException;

/**
 * The tool and thinking side of one chat completion: the prompt rendered with the request's tools and
 * template switches, the grammar that forces a call ({@code tool_choice: required} or a named function),
 * and the reply read back, whole or as deltas, into {@code content}, {@code reasoning_content} and
 * {@code tool_calls} in the model's own {@link ReplyFormat}.
 */
final class ChatTurn {
    private final int[] tokens;
    private final Grammar grammar;
    private final ReplyParser parser;
    private final List<ReplyEvent> events = new ArrayList<>();

    private ChatTurn(int[] tokens, Grammar grammar, ReplyParser parser) {
        this.tokens = tokens;
        this.grammar = grammar;
        this.parser = parser;
    }

    /** Renders the request's conversation for the model; a template that rejects it is a 400 on {@code messages}. */
    static ChatTurn of(ServedModel m, Requests.Chat req) {
        ChatPrompt prompt = m.prompt();
        Requests.Tools tools = req.tools();
        List<Tool> active = tools.active();
        String source = prompt.template().source();
        List<ChatMessage> messages = req.messages();
        if (!active.isEmpty() && ReplyFormat.of(source, "").calls() == ReplyFormat.Calls.GENERIC && !source.contains("tools")) {
            messages = withSystemText(messages, ReplyFormat.genericToolPrompt(active));
        }
        String text;
        try {
            text = prompt.render(messages, active, tools.kwargs());
        } catch (ChatTemplateException e) {
            throw ApiException.invalid("messages", "the model's chat template rejects these messages: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("chat_template_kwargs", e.getMessage());
        }
        ReplyFormat format = ReplyFormat.of(source, text);
        Grammar grammar = req.grammar();
        List<Tool> forced = tools.forced();
        if (!forced.isEmpty()) {
            try {
                grammar = CallGrammar.of(format.calls(), forced, tools.parallel());
            } catch (SchemaException e) {
                throw ApiException.invalid("tools", e.getMessage());
            }
        }
        if (grammar != null && format.thinkingOpen()) { // the grammar starts at the first token: no reasoning first
            format = new ReplyFormat(format.calls(), format.thinkTags(), false);
        }
        String ids = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "_";
        return new ChatTurn(prompt.tokens(text), grammar, format.parser(active, ids));
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

    int[] tokens() {
        return tokens;
    }

    /** The output's grammar: the forced call's, else {@code response_format}'s, else null. */
    Grammar grammar() {
        return grammar;
    }

    /** Reads the next generated text; returns the stream deltas it completes. */
    List<ObjectNode> deltas(String text) {
        return deltas(parser.feed(text));
    }

    /** Ends the reply; returns the deltas of the text still held back. */
    List<ObjectNode> finish() {
        return deltas(parser.finish());
    }

    /** True when the reply called a tool (finish_reason {@code tool_calls}). */
    boolean called() {
        return parser.callCount() > 0;
    }

    /** Fills a whole answer's {@code message}: content (null when it only calls tools), reasoning, calls. */
    void message(ObjectNode msg) {
        finish();
        Reply r = Reply.of(events);
        if (r.content().isEmpty() && !r.toolCalls().isEmpty()) {
            msg.putNull("content");
        } else {
            msg.put("content", r.content());
        }
        if (!r.reasoning().isEmpty()) {
            msg.put("reasoning_content", r.reasoning());
        }
        if (!r.toolCalls().isEmpty()) {
            ArrayNode calls = msg.putArray("tool_calls");
            for (var c : r.toolCalls()) {
                ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
                call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
    }

    /** Events as OpenAI's stream deltas; a call is two: its id and name, then its arguments. */
    private List<ObjectNode> deltas(List<ReplyEvent> fresh) {
        events.addAll(fresh);
        List<ObjectNode> out = new ArrayList<>();
        for (ReplyEvent e : fresh) {
            ObjectNode d = Requests.JSON.createObjectNode();
            switch (e) {
                case ReplyEvent.Content c -> d.put("content", c.text());
                case ReplyEvent.Reasoning r -> d.put("reasoning_content", r.text());
                case ReplyEvent.Call c -> {
                    ObjectNode head = d.putArray("tool_calls").addObject().put("index", c.index()).put("id", c.call().id())
                            .put("type", "function");
                    head.putObject("function").put("name", c.call().name()).put("arguments", "");
                    out.add(d);
                    d = Requests.JSON.createObjectNode();
                    d.putArray("tool_calls").addObject().put("index", c.index()).putObject("function")
                            .put("arguments", c.call().arguments());
                }
            }
            out.add(d);
        }
        return out;
    }
}
