package jllm.server;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jllm.chat.ChatTemplateException;
import jllm.chat.reply.AssistantTurn;
import jllm.chat.reply.Reply;
import jllm.chat.reply.ReplyEvent;
import jllm.generate.grammar.Grammar;
import jllm.generate.schema.SchemaException;

/**
 * The HTTP side of one chat completion's {@link AssistantTurn}: its errors as 400s naming the request
 * field, and the reply as OpenAI's {@code message} ({@code content}, {@code reasoning_content},
 * {@code tool_calls}) or stream deltas.
 */
final class ChatTurn {
    private final AssistantTurn turn;

    private ChatTurn(AssistantTurn turn) {
        this.turn = turn;
    }

    /** Renders the request's conversation for the model; a template that rejects it is a 400 on {@code messages}. */
    static ChatTurn of(ServedModel m, Requests.Chat req) {
        String ids = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16) + "_";
        try {
            return new ChatTurn(AssistantTurn.of(m.prompt(), req.messages(), req.tools().use(), req.tools().kwargs(),
                    req.grammar(), ids));
        } catch (ChatTemplateException e) {
            throw ApiException.invalid("messages", "the model's chat template rejects these messages: " + e.getMessage());
        } catch (SchemaException e) {
            throw ApiException.invalid("tools", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("chat_template_kwargs", e.getMessage());
        }
    }

    int[] tokens() {
        return turn.tokens();
    }

    /** The output's grammar: the forced call's, else {@code response_format}'s, else null. */
    Grammar grammar() {
        return turn.grammar();
    }

    /** Whether the reply is decoded with its control tokens as text (the format's markers are such tokens). */
    boolean specialText() {
        return turn.specialText();
    }

    /** Reads the next generated text; returns the stream deltas it completes. */
    List<ObjectNode> deltas(String text) {
        return deltas(turn.feed(text));
    }

    /** Ends the reply; returns the deltas of the text still held back. */
    List<ObjectNode> finish() {
        return deltas(turn.flush());
    }

    /** True when the reply called a tool (finish_reason {@code tool_calls}). */
    boolean called() {
        return turn.called();
    }

    /** Fills a whole answer's {@code message}: content (null when it only calls tools), reasoning, calls. */
    void message(ObjectNode msg) {
        finish();
        Reply r = turn.reply();
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
