package jllm.chat.reply;

import java.util.List;
import java.util.Objects;

import jllm.chat.Tool;

/**
 * How a model's replies are written: its tool-call syntax and whether it thinks between
 * {@code <think>} tags. Chosen from the chat template's source, as llama.cpp chooses its
 * {@code common_chat_format}: a template that writes {@code <tool_call>} is Hermes/Qwen, one that writes
 * {@code [TOOL_CALLS]} is Mistral, one with harmony's {@code <|channel|>} is gpt-oss, a Llama 3 header template with {@code ipython} or {@code "parameters"}
 * is Llama 3.1+, anything else falls back to generic JSON.
 *
 * @param calls        the tool-call syntax
 * @param thinkTags    the model reasons between {@code <think>} and {@code </think>}
 * @param thinkingOpen the prompt already opened {@code <think>} (DeepSeek R1 distills): the reply starts
 *                     inside the reasoning
 */
public record ReplyFormat(Calls calls, boolean thinkTags, boolean thinkingOpen) {

    /** Tool-call syntaxes. */
    public enum Calls {
        /** Hermes 2 Pro / Qwen 2.5 / Qwen 3: {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}, any number. */
        HERMES("<tool_call>"),
        /** Llama 3.1+: the reply is {@code {"name": ..., "parameters": {...}}}, after {@code <|python_tag|>} or alone. */
        LLAMA3("<|python_tag|>"),
        /** Mistral Nemo / Small: {@code [TOOL_CALLS][{"name": ..., "arguments": {...}, "id": ...}, ...]}. */
        MISTRAL("[TOOL_CALLS]"),
        /**
         * gpt-oss's harmony: messages {@code <|channel|>analysis<|message|>...<|end|>} (reasoning),
         * {@code <|start|>assistant<|channel|>final<|message|>...} (the answer), and calls
         * {@code <|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{...}<|call|>}. Its
         * markers are control tokens: the reply must be decoded with them ({@link #specialText()}).
         */
        HARMONY("<|channel|>"),
        /**
         * Templates that know no tools: the reply is a JSON object, {@code {"tool_call": {"name", "arguments"}}},
         * {@code {"tool_calls": [...]}} or {@code {"response": "..."}}, as llama.cpp's generic format.
         */
        GENERIC(null);

        private final String marker;

        Calls(String marker) {
            this.marker = marker;
        }

        /** The text that opens calls in this syntax, or null when calls are recognised only as a leading JSON value. */
        public String marker() {
            return marker;
        }
    }

    public ReplyFormat {
        Objects.requireNonNull(calls, "calls");
    }

    /**
     * The format of a template's replies.
     *
     * @param templateSource the chat template's Jinja source ("" for a model without one)
     * @param prompt         the rendered prompt the reply continues (tells whether it opened {@code <think>})
     */
    public static ReplyFormat of(String templateSource, String prompt) {
        Calls calls;
        if (templateSource.contains("<|channel|>") && templateSource.contains("<|message|>")) {
            calls = Calls.HARMONY;
        } else if (templateSource.contains("<tool_call>")) {
            calls = Calls.HERMES;
        } else if (templateSource.contains("[TOOL_CALLS]")) {
            calls = Calls.MISTRAL;
        } else if (templateSource.contains("<|start_header_id|>")
                && (templateSource.contains("ipython") || templateSource.contains("\"parameters\""))) {
            calls = Calls.LLAMA3;
        } else {
            calls = Calls.GENERIC;
        }
        boolean think = templateSource.contains("<think>");
        int open = prompt.lastIndexOf("<think>");
        boolean opened = think && open >= 0 && !prompt.substring(open).contains("</think>") && prompt.substring(open).strip().equals("<think>");
        return new ReplyFormat(calls, think, opened);
    }

    /** Whether replies must be decoded with their control tokens as text (harmony's markers are such tokens). */
    public boolean specialText() {
        return calls == Calls.HARMONY;
    }

    /**
     * A parser for one reply.
     *
     * @param tools    the tools offered; empty (as with {@code tool_choice: none}) reads no calls at all
     * @param idPrefix call ids are this prefix and the call's index, unless the model wrote an id
     */
    public ReplyParser parser(List<Tool> tools, String idPrefix) {
        return new ReplyParser(this, tools, idPrefix);
    }

    /**
     * The system text that tells a model whose template knows no tools which tools it has and how to
     * call them in the generic syntax (as llama.cpp's generic format does).
     */
    public static String genericToolPrompt(List<Tool> tools) {
        StringBuilder sb = new StringBuilder("You can call these tools:\n");
        for (Tool t : tools) {
            sb.append(JsonText.write(t.toTemplate())).append('\n');
        }
        return sb.append("To call a tool, reply with only a JSON object: "
                + "{\"tool_call\": {\"name\": \"<tool name>\", \"arguments\": {<arguments>}}}. Otherwise answer normally.").toString();
    }

    /** A whole reply, parsed at once. */
    public Reply parse(String text, List<Tool> tools, String idPrefix) {
        ReplyParser p = parser(tools, idPrefix);
        List<ReplyEvent> events = new java.util.ArrayList<>(p.feed(text));
        events.addAll(p.finish());
        return Reply.of(events);
    }
}
