package jllm.chat.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import jllm.chat.Tool;
import jllm.chat.ToolCall;
import jllm.format.json.Json;

/** Every reply format read whole and in every split; the template sources choose the format. */
class ReplyParserTest {

    private static final List<Tool> TOOLS = List.of(
            new Tool("get_weather", Optional.empty(), Optional.of(Json.parseObject("{\"type\":\"object\"}", "p"))),
            new Tool("add", Optional.empty(), Optional.empty()));

    private static final ReplyFormat HERMES = new ReplyFormat(ReplyFormat.Calls.HERMES, false, false);
    private static final ReplyFormat QWEN3 = new ReplyFormat(ReplyFormat.Calls.HERMES, true, false);
    private static final ReplyFormat R1 = new ReplyFormat(ReplyFormat.Calls.GENERIC, true, true);
    private static final ReplyFormat LLAMA3 = new ReplyFormat(ReplyFormat.Calls.LLAMA3, false, false);
    private static final ReplyFormat MISTRAL = new ReplyFormat(ReplyFormat.Calls.MISTRAL, false, false);
    private static final ReplyFormat GENERIC = new ReplyFormat(ReplyFormat.Calls.GENERIC, false, false);
    private static final ReplyFormat HARMONY = new ReplyFormat(ReplyFormat.Calls.HARMONY, false, false);

    private static Reply whole(ReplyFormat f, String text) {
        return f.parse(text, TOOLS, "call_");
    }

    @Test
    void formatsAreChosenFromTheTemplateSource() {
        String qwen3 = "{%- if tools %}<tool_call>{% endif %}<think>\n\n</think>";
        assertThat(ReplyFormat.of(qwen3, "<|im_start|>assistant\n")).isEqualTo(QWEN3);
        assertThat(ReplyFormat.of(qwen3, "<|im_start|>assistant\n<think>\n\n</think>\n\n")).isEqualTo(QWEN3);
        assertThat(ReplyFormat.of("{{'<｜Assistant｜><think>\\n'}}", "x<｜Assistant｜><think>\n")).isEqualTo(R1);
        assertThat(ReplyFormat.of("<|start_header_id|>ipython<|end_header_id|>", "")).isEqualTo(LLAMA3);
        assertThat(ReplyFormat.of("[AVAILABLE_TOOLS][TOOL_CALLS]", "")).isEqualTo(MISTRAL);
        assertThat(ReplyFormat.of("<|im_start|>{{ message.content }}", "")).isEqualTo(GENERIC);
        assertThat(ReplyFormat.of("{{- '<|start|>assistant<|channel|>final<|message|>' }}", "")).isEqualTo(HARMONY);
        assertThat(HARMONY.specialText()).isTrue();
        assertThat(HERMES.specialText()).isFalse();
    }

    /** gpt-oss: the analysis channel is the reasoning, the final channel the answer, a commentary to=functions.X a call. */
    @Test
    void harmonyChannels() {
        Reply answer = whole(HARMONY, "<|channel|>analysis<|message|>User asks 2+2. Easy.<|end|><|start|>assistant<|channel|>final<|message|>4");
        assertThat(answer).isEqualTo(new Reply("4", "User asks 2+2. Easy.", List.of()));
        Reply call = whole(HARMONY, "<|channel|>analysis<|message|>Need the weather.<|end|><|start|>assistant<|channel|>commentary "
                + "to=functions.get_weather <|constrain|>json<|message|>{\"city\": \"Oslo\"}<|call|>");
        assertThat(call.reasoning()).isEqualTo("Need the weather.");
        assertThat(call.content()).isEmpty();
        assertThat(call.toolCalls()).containsExactly(new ToolCall("call_0", "get_weather", "{\"city\":\"Oslo\"}"));
        // the recipient may also stand before the channel
        Reply before = whole(HARMONY, "<|start|>assistant to=functions.add<|channel|>commentary json<|message|>{\"a\": 1}<|call|>");
        assertThat(before.toolCalls()).containsExactly(new ToolCall("call_0", "add", "{\"a\":1}"));
        // without tools offered, a call is text; a reply without markers is its text exactly
        assertThat(HARMONY.parse("<|channel|>commentary to=functions.add<|message|>{}<|call|>", List.of(), "call_").toolCalls()).isEmpty();
        assertThat(whole(HARMONY, "Plain words, no channel.")).isEqualTo(new Reply("Plain words, no channel.", "", List.of()));
        // arguments that are not JSON are kept as content; a cut-off analysis is reasoning
        assertThat(whole(HARMONY, "<|channel|>commentary to=functions.add<|message|>{oops<|call|>")).isEqualTo(new Reply("{oops", "", List.of()));
        assertThat(whole(HARMONY, "<|channel|>analysis<|message|>thinking when cu")).isEqualTo(new Reply("", "thinking when cu", List.of()));
    }

    @Test
    void hermesCallsWithContentBeforeThem() {
        Reply r = whole(HERMES, "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": 1, \"b\": [2.5, null, true]}}\n</tool_call>");
        assertThat(r.content()).isEqualTo("Let me check.");
        assertThat(r.reasoning()).isEmpty();
        assertThat(r.toolCalls()).containsExactly(new ToolCall("call_0", "get_weather", "{\"city\":\"Paris\"}"),
                new ToolCall("call_1", "add", "{\"a\":1,\"b\":[2.5,null,true]}"));
    }

    @Test
    void qwen3ThinksThenCalls() {
        Reply r = whole(QWEN3, "<think>\nThe user wants weather.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {}}\n</tool_call>");
        assertThat(r.reasoning()).isEqualTo("The user wants weather.");
        assertThat(r.content()).isEmpty();
        assertThat(r.toolCalls()).containsExactly(new ToolCall("call_0", "get_weather", "{}"));
        Reply answer = whole(QWEN3, "<think>\n\n</think>\n\nIt is sunny.");
        assertThat(answer).isEqualTo(new Reply("It is sunny.", "", List.of()));
    }

    @Test
    void deepSeekR1ReplyStartsInsideTheReasoning() {
        assertThat(whole(R1, "Two and two.\n</think>\n\n4")).isEqualTo(new Reply("4", "Two and two.", List.of()));
        assertThat(whole(R1, "still thinking when cut off")).isEqualTo(new Reply("", "still thinking when cut off", List.of()));
    }

    @Test
    void llama3JsonCallsNeedAnOfferedName() {
        assertThat(whole(LLAMA3, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}").toolCalls())
                .containsExactly(new ToolCall("call_0", "get_weather", "{\"city\":\"Oslo\"}"));
        assertThat(whole(LLAMA3, "<|python_tag|>{\"name\": \"add\", \"parameters\": {\"a\": 1}}").toolCalls())
                .containsExactly(new ToolCall("call_0", "add", "{\"a\":1}"));
        String json = "{\"name\": \"Ann\", \"parameters\": {}} is a JSON object.";
        assertThat(whole(LLAMA3, json)).isEqualTo(new Reply(json, "", List.of()));
    }

    @Test
    void mistralCallsKeepTheirIds() {
        Reply r = whole(MISTRAL, "[TOOL_CALLS][{\"name\": \"add\", \"arguments\": {\"a\": 1}, \"id\": \"abcDEF123\"}, "
                + "{\"name\": \"get_weather\", \"arguments\": {}}]");
        assertThat(r.toolCalls()).containsExactly(new ToolCall("abcDEF123", "add", "{\"a\":1}"), new ToolCall("call_1", "get_weather", "{}"));
        // [TOOL_CALLS] is a control token that decoding may drop: the array alone is read too
        assertThat(whole(MISTRAL, "[{\"name\": \"add\", \"arguments\": {\"a\": 1}}]").toolCalls()).hasSize(1);
    }

    @Test
    void genericJson() {
        assertThat(whole(GENERIC, "{\"tool_call\": {\"name\": \"add\", \"arguments\": {\"a\": 2}}}").toolCalls())
                .containsExactly(new ToolCall("call_0", "add", "{\"a\":2}"));
        assertThat(whole(GENERIC, "{\"tool_calls\": [{\"name\": \"add\", \"arguments\": \"{\\\"a\\\": 3}\"}]}").toolCalls())
                .containsExactly(new ToolCall("call_0", "add", "{\"a\": 3}"));
        assertThat(whole(GENERIC, "{\"response\": \"Hello!\"}")).isEqualTo(new Reply("Hello!", "", List.of()));
        assertThat(whole(GENERIC, "Plain {\"name\": \"add\"} text")).isEqualTo(new Reply("Plain {\"name\": \"add\"} text", "", List.of()));
    }

    @Test
    void brokenCallsStayAsContent() {
        assertThat(whole(HERMES, "<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": }\n</tool_call>").content())
                .isEqualTo("<tool_call>\n{\"name\": \"add\", \"arguments\": {\"a\": }\n</tool_call>");
        assertThat(whole(HERMES, "<tool_call>{\"name\": \"add\"").content()).isEqualTo("<tool_call>{\"name\": \"add\"");
        assertThat(whole(MISTRAL, "[TOOL_CALLS] no json").content()).isEqualTo("[TOOL_CALLS] no json");
        // a call cut off by a stop string before its closing tag is still read
        assertThat(whole(HERMES, "<tool_call>\n{\"name\": \"add\", \"arguments\": {}}\n").toolCalls()).hasSize(1);
    }

    @Test
    void aReplyWithoutTagsOrCallsIsItsTextExactly() {
        for (ReplyFormat f : List.of(HERMES, QWEN3, LLAMA3, MISTRAL, GENERIC)) {
            assertThat(whole(f, "  Once upon a time.\n ")).isEqualTo(new Reply("  Once upon a time.\n ", "", List.of()));
            assertThat(whole(f, " \n")).isEqualTo(new Reply(" \n", "", List.of()));
        }
    }

    @Test
    void withoutToolsNothingIsACall() {
        String text = "<tool_call>\n{\"name\": \"add\", \"arguments\": {}}\n</tool_call>";
        assertThat(HERMES.parse(text, List.of(), "c")).isEqualTo(new Reply(text, "", List.of()));
        assertThat(LLAMA3.parse("{\"name\": \"add\", \"parameters\": {}}", List.of(), "c").toolCalls()).isEmpty();
    }

    @Test
    void contentNeverShowsTheStartOfATag() {
        ReplyParser p = QWEN3.parser(TOOLS, "call_");
        assertThat(p.feed("<thi")).isEmpty();
        assertThat(p.feed("nk>Hm")).containsExactly(new ReplyEvent.Reasoning("Hm"));
        assertThat(p.feed(".</th")).containsExactly(new ReplyEvent.Reasoning("."));
        assertThat(p.feed("ink>Sure <tool")).containsExactly(new ReplyEvent.Content("Sure"));
        assertThat(p.feed("_call>{\"name\": \"add\", \"arguments\": {}}</tool_c")).isEmpty();
        assertThat(p.feed("all> ok")).containsExactly(new ReplyEvent.Call(0, new ToolCall("call_0", "add", "{}")), new ReplyEvent.Content("ok"));
        assertThat(p.finish()).isEmpty();
    }

    static final List<Object[]> SAMPLES = List.of(
            new Object[] {HERMES, "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Pa\\\"ris\"}}\n</tool_call>\n<tool_call>{\"name\": \"add\", \"arguments\": {}}</tool_call> done <tool"},
            new Object[] {QWEN3, "  <think>\nA < B and </thin\n</think>\n\nAnswer <tool_call> {\"name\": \"add\", \"arguments\": {\"x\": \"</tool_call>\"}}</tool_call>"},
            new Object[] {QWEN3, "<thinking is not a tag> text"},
            new Object[] {R1, "reason \n\n</think>  \n answer\n\n"},
            new Object[] {LLAMA3, " {\"name\": \"add\", \"parameters\": {\"a\": [1, {\"b\": \"}\"}]}}"},
            new Object[] {LLAMA3, "{\"name\": \"nope\", \"parameters\": {}} then text"},
            new Object[] {MISTRAL, "Sure [TOOL_CALLS][{\"name\": \"add\", \"arguments\": {\"a\": 1}}] after"},
            new Object[] {GENERIC, "{\"response\": \"Hi\"}"},
            new Object[] {GENERIC, "{\"tool_calls\": [{\"name\": \"add\", \"arguments\": {}}, {\"name\": \"get_weather\", \"arguments\": {}}]}"},
            new Object[] {GENERIC, "{\"unfinished\": "},
            new Object[] {HERMES, " \n plain text \n\n"},
            new Object[] {LLAMA3, "  {\"name\": \"Ann\"} \n"},
            new Object[] {HARMONY, "<|channel|>analysis<|message|>a <| b<|end|><|start|>assistant<|channel|>commentary to=functions.add "
                    + "<|constrain|>json<|message|>{\"x\": \"<|call|\"}<|call|><|start|>assistant<|channel|>final<|message|>Done <|ret"});

    @Test
    void everySplitGivesTheWholeResult() {
        for (Object[] sample : SAMPLES) {
            ReplyFormat f = (ReplyFormat) sample[0];
            String text = (String) sample[1];
            Reply expected = whole(f, text);
            for (int i = 0; i <= text.length(); i++) {
                for (int j = i; j <= text.length(); j++) {
                    ReplyParser p = f.parser(TOOLS, "call_");
                    List<ReplyEvent> events = new ArrayList<>(p.feed(text.substring(0, i)));
                    events.addAll(p.feed(text.substring(i, j)));
                    events.addAll(p.feed(text.substring(j)));
                    events.addAll(p.finish());
                    assertThat(Reply.of(events)).as("%s split at %d and %d: %s", f.calls(), i, j, text).isEqualTo(expected);
                }
            }
            ReplyParser p = f.parser(TOOLS, "call_");
            List<ReplyEvent> events = new ArrayList<>();
            text.chars().forEach(c -> events.addAll(p.feed(String.valueOf((char) c))));
            events.addAll(p.finish());
            assertThat(Reply.of(events)).as("one character at a time: %s", text).isEqualTo(expected);
        }
    }

    @Test
    void randomTextsSplitAtRandomGiveTheWholeResult() {
        String[] pieces = {"<think>", "</think>", "<tool_call>", "</tool_call>", "[TOOL_CALLS]", "{\"name\": \"add\", \"arguments\": {}}",
                "{", "}", "\"", " ", "\n", "text", "<", "<t", "[", "]", "{\"response\": \"r\"}", "<|channel|>analysis", "<|message|>",
                "<|end|>", "<|start|>assistant", "<|channel|>final", " to=functions.add", "<|call|>", "<|"};
        Random random = new Random(17);
        ReplyFormat[] formats = {HERMES, QWEN3, R1, LLAMA3, MISTRAL, GENERIC, HARMONY};
        for (int n = 0; n < 3000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = random.nextInt(8); k >= 0; k--) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = sb.toString();
            ReplyFormat f = formats[random.nextInt(formats.length)];
            Reply expected = whole(f, text);
            ReplyParser p = f.parser(TOOLS, "call_");
            List<ReplyEvent> events = new ArrayList<>();
            int at = 0;
            while (at < text.length()) {
                int next = Math.min(text.length(), at + 1 + random.nextInt(4));
                events.addAll(p.feed(text.substring(at, next)));
                at = next;
            }
            events.addAll(p.finish());
            assertThat(Reply.of(events)).as("%s: %s", f, text).isEqualTo(expected);
        }
    }
}
