package jllm.chat.reply;

import java.util.ArrayList;
import java.util.List;

import jllm.chat.ToolCall;

/**
 * A whole parsed reply.
 *
 * @param content   the answer text ("" when the reply only calls tools)
 * @param reasoning the reasoning text ("" when none)
 * @param toolCalls the calls, in order
 */
public record Reply(String content, String reasoning, List<ToolCall> toolCalls) {

    public Reply {
        toolCalls = List.copyOf(toolCalls);
    }

    /** The reply these events spell. */
    public static Reply of(List<ReplyEvent> events) {
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (ReplyEvent e : events) {
            switch (e) {
                case ReplyEvent.Content c -> content.append(c.text());
                case ReplyEvent.Reasoning r -> reasoning.append(r.text());
                case ReplyEvent.Call c -> calls.add(c.call());
            }
        }
        return new Reply(content.toString(), reasoning.toString(), calls);
    }
}
