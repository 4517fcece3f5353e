package jllm.chat.reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jllm.chat.Tool;
import jllm.chat.ToolCall;
import jllm.format.json.Json;
import jllm.format.json.JsonException;

/**
 * Reads one reply of a {@link ReplyFormat} as it streams: {@link #feed} takes each new piece of text and
 * returns what is now certain, {@link #finish} the rest. Text that may still turn out to start a think
 * tag or a tool call is held back, so content never shows the beginning of a tag, and the events of any
 * split of a text spell the same {@link Reply} as the text fed whole. Blanks around reasoning and calls
 * are dropped (as llama.cpp trims them); a reply without either is its content exactly.
 *
 * <p>A call the model opened with its marker ({@code <tool_call>}, {@code [TOOL_CALLS]},
 * {@code <|python_tag|>}) but that is not valid JSON is returned as content, never lost. A reply that is
 * only a JSON value (Llama 3.1, Mistral without its marker, generic) is a call only when it names an
 * offered tool.
 *
 * <pre>{@code
 * ReplyParser p = ReplyFormat.of(source, prompt).parser(tools, "call_abc_");
 * List<ReplyEvent> now = p.feed(piece);
 * List<ReplyEvent> last = p.finish();
 * }</pre>
 */
public final class ReplyParser {
    private static final String THINK = "<think>";
    private static final String END_THINK = "</think>";
    private static final String END_HERMES = "</tool_call>";

    private enum State { START, CONTENT, REASONING, CALL, JSON, HEADER, BODY }

    private static final String MESSAGE = "<|message|>";
    private static final List<String> BODY_ENDS = List.of("<|end|>", "<|call|>", "<|return|>", "<|start|>");
    private static final java.util.regex.Pattern CHANNEL = java.util.regex.Pattern.compile("<\\|channel\\|>\\s*(\\w+)");
    private static final java.util.regex.Pattern RECIPIENT = java.util.regex.Pattern.compile("to=functions\\.([^\\s<]+)");

    /** What a harmony message's body is. */
    private enum Body { REASONING, CONTENT, CALL }

    private final ReplyFormat format;
    private final Set<String> toolNames;
    private final String marker;        // opens calls, null when none are read this way
    private final String idPrefix;
    private final StringBuilder pending = new StringBuilder();
    private final List<ReplyEvent> out = new ArrayList<>();
    private State state;
    private boolean dropBlanks;         // at the start of reasoning, and of content after reasoning or a call
    private boolean thinkAllowed;       // a <think> may still open the reply
    private boolean leadingJson;        // a JSON value at the start of the reply may be a call
    private int calls;
    private boolean finished;
    private Body body;                  // harmony: the current message's kind
    private String callName;            // harmony: the tool the current message calls
    private final StringBuilder callArguments = new StringBuilder();

    ReplyParser(ReplyFormat format, List<Tool> tools, String idPrefix) {
        this.format = format;
        this.toolNames = tools.stream().map(Tool::name).collect(Collectors.toUnmodifiableSet());
        this.marker = tools.isEmpty() || format.calls() == ReplyFormat.Calls.HARMONY ? null : format.calls().marker();
        this.idPrefix = idPrefix;
        this.state = format.calls() == ReplyFormat.Calls.HARMONY ? State.HEADER : format.thinkingOpen() ? State.REASONING : State.START;
        this.dropBlanks = format.thinkingOpen();
        this.thinkAllowed = format.thinkTags() && !format.thinkingOpen();
        this.leadingJson = !tools.isEmpty() && format.calls() != ReplyFormat.Calls.HERMES && format.calls() != ReplyFormat.Calls.HARMONY;
    }

    /** Takes the next piece of the reply; returns the events it completes (text of one kind merged). */
    public List<ReplyEvent> feed(String text) {
        if (finished) {
            throw new IllegalStateException("the reply was already finished");
        }
        pending.append(text);
        run(false);
        return drain();
    }

    /** Ends the reply; returns the events of the text still held back. */
    public List<ReplyEvent> finish() {
        if (!finished) {
            run(true);
            finished = true;
        }
        return drain();
    }

    /** The number of calls read so far. */
    public int callCount() {
        return calls;
    }

    private void run(boolean end) {
        boolean progressed = true;
        while (progressed) {
            progressed = switch (state) {
                case START -> start(end);
                case CONTENT -> content(end);
                case REASONING -> reasoning(end);
                case CALL -> call(end);
                case JSON -> json(end);
                case HEADER -> header(end);
                case BODY -> body(end);
            };
        }
    }

    /** Blanks, then maybe {@code <think>} or a JSON call; decides once the first other character is seen. */
    private boolean start(boolean end) {
        int i = blanks(0);
        if (i == pending.length()) {
            if (end) {
                if (!dropBlanks) {
                    content(pending.toString());
                }
                pending.setLength(0);
            }
            return false;
        }
        String rest = pending.substring(i);
        if (thinkAllowed) {
            if (rest.startsWith(THINK)) {
                pending.delete(0, i + THINK.length());
                state = State.REASONING;
                dropBlanks = true;
                thinkAllowed = false;
                return true;
            }
            if (THINK.startsWith(rest) && !end) {
                return false;
            }
        }
        if (leadingJson && marker != null && marker.startsWith(rest) && rest.length() < marker.length() && !end) {
            return false; // "[TOOL_" may be Mistral's marker rather than a JSON array
        }
        thinkAllowed = false;
        boolean marked = marker != null && rest.startsWith(marker);
        char c = rest.charAt(0);
        if (leadingJson && !marked && (c == '{' || c == '[')) {
            if (dropBlanks) {
                pending.delete(0, i);
            }
            state = State.JSON; // its blanks stay: content if the value is no call
        } else {
            if (dropBlanks) { // after the reasoning; a reply's own leading blanks are its content
                pending.delete(0, i);
            }
            state = State.CONTENT;
        }
        leadingJson = false;
        dropBlanks = false;
        return true;
    }

    private boolean content(boolean end) {
        if (dropBlanks) {
            pending.delete(0, blanks(0));
            if (pending.isEmpty()) {
                return false;
            }
            dropBlanks = false;
        }
        int k = marker == null ? -1 : pending.indexOf(marker);
        if (k >= 0) {
            content(pending.substring(0, trimEnd(k)));
            pending.delete(0, k + marker.length());
            state = State.CALL;
            return true;
        }
        int safe = end || marker == null ? pending.length() : pending.length() - partialSuffix(marker);
        int upTo = end || marker == null ? safe : trimEnd(safe); // blanks wait: they are dropped if a call follows
        content(pending.substring(0, upTo));
        pending.delete(0, upTo);
        return false;
    }

    private boolean reasoning(boolean end) {
        if (dropBlanks) {
            pending.delete(0, blanks(0));
            if (pending.isEmpty()) {
                return false;
            }
            dropBlanks = false;
        }
        int k = pending.indexOf(END_THINK);
        if (k >= 0) {
            reasoning(pending.substring(0, trimEnd(k)));
            pending.delete(0, k + END_THINK.length());
            state = State.START;
            dropBlanks = true;
            return true;
        }
        int safe = end ? pending.length() : pending.length() - partialSuffix(END_THINK);
        int upTo = trimEnd(safe);
        reasoning(pending.substring(0, upTo));
        pending.delete(0, end ? pending.length() : upTo);
        return false;
    }

    /** After the call marker: Hermes up to {@code </tool_call>}, the others one JSON value. */
    private boolean call(boolean end) {
        int bodyEnd;
        int consumed;
        if (format.calls() == ReplyFormat.Calls.HERMES) {
            int k = pending.indexOf(END_HERMES);
            bodyEnd = k >= 0 ? k : end ? pending.length() : -1;
            consumed = k >= 0 ? k + END_HERMES.length() : pending.length();
        } else {
            int e = JsonText.end(pending, 0);
            if (e == -2) { // the marker was not followed by JSON: it was text
                content(marker);
                state = State.CONTENT;
                return true;
            }
            bodyEnd = e >= 0 ? e : end ? pending.length() : -1;
            consumed = bodyEnd;
        }
        if (bodyEnd < 0) {
            return false;
        }
        String body = pending.substring(0, bodyEnd);
        if (!calls(body, false)) {
            content(marker + pending.substring(0, consumed));
        }
        pending.delete(0, consumed);
        state = State.CONTENT;
        dropBlanks = true;
        return !end || !pending.isEmpty();
    }

    /** A JSON value at the start of the reply: a call if it names an offered tool, else content. */
    private boolean json(boolean end) {
        int e = JsonText.end(pending, 0);
        if (e == -1 && !end) {
            return false;
        }
        if (e < 0) {
            state = State.CONTENT;
            return true;
        }
        String body = pending.substring(0, e);
        if (calls(body, true)) {
            dropBlanks = true;
        } else {
            content(body);
        }
        pending.delete(0, e);
        state = State.CONTENT;
        return true;
    }

    /**
     * Harmony: a message header ({@code <|start|>assistant}, {@code <|channel|>NAME}, {@code to=functions.X},
     * {@code <|constrain|>json}) up to {@code <|message|>}. A reply that does not start with a marker is
     * plain content.
     */
    private boolean header(boolean end) {
        int i = blanks(0);
        if (i == pending.length()) {
            if (end) {
                pending.setLength(0);
            }
            return false;
        }
        if (pending.charAt(i) != '<') {
            pending.delete(0, i);
            state = State.CONTENT;
            return true;
        }
        int k = pending.indexOf(MESSAGE);
        if (k < 0) {
            if (end) { // a header that never reached its message: keep the text
                content(pending.substring(i));
                pending.setLength(0);
            }
            return false;
        }
        String head = pending.substring(i, k);
        pending.delete(0, k + MESSAGE.length());
        java.util.regex.Matcher channel = CHANNEL.matcher(head);
        java.util.regex.Matcher to = RECIPIENT.matcher(head);
        if (to.find() && !toolNames.isEmpty()) {
            body = Body.CALL;
            callName = to.group(1);
            callArguments.setLength(0);
        } else {
            body = channel.find() && channel.group(1).equals("analysis") ? Body.REASONING : Body.CONTENT;
        }
        state = State.BODY;
        return true;
    }

    /** Harmony: a message body, up to {@code <|end|>}, {@code <|call|>}, {@code <|return|>} or the next {@code <|start|>}. */
    private boolean body(boolean end) {
        int k = -1;
        String ending = null;
        for (String e : BODY_ENDS) {
            int at = pending.indexOf(e);
            if (at >= 0 && (k < 0 || at < k)) {
                k = at;
                ending = e;
            }
        }
        int upTo;
        if (k >= 0) {
            upTo = k;
        } else if (end) {
            upTo = pending.length();
        } else {
            int hold = 0;
            for (String e : BODY_ENDS) {
                hold = Math.max(hold, partialSuffix(e));
            }
            upTo = pending.length() - hold;
        }
        String text = pending.substring(0, upTo);
        switch (body) {
            case REASONING -> reasoning(text);
            case CONTENT -> content(text);
            case CALL -> callArguments.append(text);
        }
        pending.delete(0, upTo);
        if (k < 0 && !end) {
            return false;
        }
        if (ending != null && !ending.equals("<|start|>")) {
            pending.delete(0, ending.length());
        }
        if (body == Body.CALL) {
            String args = callArguments.toString().strip();
            try {
                Object parsed = Json.parse(args, "tool call arguments");
                out.add(new ReplyEvent.Call(calls, new ToolCall(idPrefix + calls, callName, JsonText.write(parsed))));
                calls++;
            } catch (JsonException e) {
                content(args); // not JSON: kept as text, never lost
            }
        }
        state = State.HEADER;
        return k >= 0;
    }

    /** Adds the calls {@code body} holds; false (adding nothing) when it holds none. */
    private boolean calls(String body, boolean onlyOffered) {
        Object value;
        try {
            value = Json.parse(body.strip(), "tool call");
        } catch (JsonException e) {
            return false;
        }
        List<?> items;
        if (value instanceof List<?> l) {
            items = l;
        } else if (value instanceof Map<?, ?> m && m.get("tool_calls") instanceof List<?> l) {
            items = l;
        } else if (value instanceof Map<?, ?> m && m.get("tool_call") instanceof Map<?, ?> one) {
            items = List.of(one);
        } else if (value instanceof Map<?, ?> m && format.calls() == ReplyFormat.Calls.GENERIC && m.size() == 1
                && m.get("response") instanceof String text && onlyOffered) {
            content(text);
            return true;
        } else {
            items = List.of(value);
        }
        List<ToolCall> found = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m) || !(m.get("name") instanceof String name) || name.isBlank()
                    || onlyOffered && !toolNames.contains(name)) {
                return false;
            }
            Object args = m.containsKey("arguments") ? m.get("arguments") : m.get("parameters");
            String arguments = switch (args) {
                case null -> "{}";
                case String s -> s;
                case Map<?, ?> map -> JsonText.write(map);
                default -> null;
            };
            if (arguments == null) {
                return false;
            }
            String id = m.get("id") instanceof String s && !s.isBlank() ? s : idPrefix + (calls + found.size());
            found.add(new ToolCall(id, name, arguments));
        }
        if (found.isEmpty()) {
            return false;
        }
        for (ToolCall c : found) {
            out.add(new ReplyEvent.Call(calls++, c));
        }
        return true;
    }

    private int blanks(int from) {
        int i = from;
        while (i < pending.length() && Character.isWhitespace(pending.charAt(i))) {
            i++;
        }
        return i;
    }

    /** {@code to}, moved back over the blanks before it. */
    private int trimEnd(int to) {
        int i = to;
        while (i > 0 && Character.isWhitespace(pending.charAt(i - 1))) {
            i--;
        }
        return i;
    }

    /** The length of the longest end of the pending text that is a proper beginning of {@code tag}. */
    private int partialSuffix(String tag) {
        for (int n = Math.min(tag.length() - 1, pending.length()); n > 0; n--) {
            if (pending.substring(pending.length() - n).equals(tag.substring(0, n))) {
                return n;
            }
        }
        return 0;
    }

    private void content(String text) {
        if (!text.isEmpty()) {
            if (!out.isEmpty() && out.getLast() instanceof ReplyEvent.Content c) {
                out.set(out.size() - 1, new ReplyEvent.Content(c.text() + text));
            } else {
                out.add(new ReplyEvent.Content(text));
            }
        }
    }

    private void reasoning(String text) {
        if (!text.isEmpty()) {
            if (!out.isEmpty() && out.getLast() instanceof ReplyEvent.Reasoning r) {
                out.set(out.size() - 1, new ReplyEvent.Reasoning(r.text() + text));
            } else {
                out.add(new ReplyEvent.Reasoning(text));
            }
        }
    }

    private List<ReplyEvent> drain() {
        List<ReplyEvent> events = List.copyOf(out);
        out.clear();
        return events;
    }
}
