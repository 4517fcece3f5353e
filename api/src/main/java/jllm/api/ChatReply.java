package jllm.api;

import java.util.List;

import jllm.chat.ChatMessage;
import jllm.chat.ToolCall;
import jllm.chat.reply.Reply;
import jllm.generate.Generator;

/**
 * The assistant's reply read in the model's own format: its answer, its reasoning, the tools it calls.
 *
 * <pre>{@code
 * ChatReply r = model.chat(messages, ChatTools.auto(List.of(weather)), Map.of(), options);
 * if (r.calledTools()) { ... run r.toolCalls(), add r.message() and the results, ask again ... }
 * }</pre>
 *
 * @param content         the answer text ("" when the reply only calls tools)
 * @param reasoning       the reasoning between think tags ("" when none)
 * @param toolCalls       the calls, in order
 * @param text            the generated text as the model wrote it
 * @param finishReason    why generation ended
 * @param promptTokens    the prompt's length in tokens
 * @param generatedTokens tokens generated
 */
public record ChatReply(String content, String reasoning, List<ToolCall> toolCalls, String text,
                        Generator.FinishReason finishReason, int promptTokens, int generatedTokens) {

    public ChatReply {
        toolCalls = List.copyOf(toolCalls);
    }

    static ChatReply of(Reply r, Completion c) {
        return new ChatReply(r.content(), r.reasoning(), r.toolCalls(), c.text(), c.finishReason(), c.promptTokens(),
                c.generatedTokens());
    }

    /** True when the reply calls at least one tool. */
    public boolean calledTools() {
        return !toolCalls.isEmpty();
    }

    /** The reply as the assistant message to put in the conversation before the tools' results. */
    public ChatMessage message() {
        ChatMessage m = new ChatMessage("assistant", content, toolCalls, java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty());
        return reasoning.isEmpty() ? m : m.withReasoning(reasoning);
    }
}
