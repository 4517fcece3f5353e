package jllm.chat.reply;

import jllm.chat.ToolCall;

/** A piece of a parsed reply, in the order the reply gives it. */
public sealed interface ReplyEvent {

    /** Text of the answer ({@code content}). */
    record Content(String text) implements ReplyEvent {
    }

    /** Text of the model's reasoning ({@code reasoning_content}), without the think tags. */
    record Reasoning(String text) implements ReplyEvent {
    }

    /** A whole tool call, the {@code index}-th of the reply. */
    record Call(int index, ToolCall call) implements ReplyEvent {
    }
}
