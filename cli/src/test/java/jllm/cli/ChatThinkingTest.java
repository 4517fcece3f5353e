package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import jllm.chat.reply.ReplyEvent;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import jllm.format.gguf.GgufWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jllm chat} with a thinking model: the built-in model under a template that opens {@code <think>}
 * at the start of the reply (as DeepSeek R1 distills do) unless {@code enable_thinking} is false (as Qwen 3
 * does), so everything it writes is reasoning, or, with thinking off, the answer.
 */
class ChatThinkingTest {
    static final String THINKING_TEMPLATE = """
            {%- for m in messages %}<|im_start|>{{ m.role }}
            {{ m.content }}<|im_end|>
            {% endfor %}
            {%- if add_generation_prompt %}<|im_start|>assistant
            {% if enable_thinking is defined and enable_thinking is false %}<think>

            </think>

            {% else %}<think>
            {% endif %}{% endif %}""";

    @TempDir
    static Path dir;
    static String thinker;

    @BeforeAll
    static void writeThinkingModel() {
        Path out = dir.resolve("thinker.gguf");
        try (GgufFile f = GgufFile.open(Path.of("..", "models", "builtin.gguf"))) {
            GgufWriter.Builder b = GgufWriter.builder().putAll(f.metadata()).putString("tokenizer.chat_template", THINKING_TEMPLATE);
            for (GgufTensorInfo t : f.tensorInfos()) {
                b.addTensor(f.tensor(t));
            }
            b.write(out);
        }
        thinker = out.toString();
    }

    private static CliRunner.Result chat(String... options) {
        String[] args = new String[4 + options.length];
        System.arraycopy(new String[]{"chat", thinker, "--temp", "0"}, 0, args, 0, 4);
        System.arraycopy(options, 0, args, 4, options.length);
        return CliRunner.runWithInput("Who are you?\n", args);
    }

    @Test
    void reasoningIsShownPlainWhenPipedAndHiddenOnRequest() {
        CliRunner.Result shown = chat("-n", "40");
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).isNotBlank().doesNotContain("\u001b[").doesNotContain("<think>");
        CliRunner.Result hidden = chat("-n", "40", "--hide-thinking");
        assertThat(hidden.exit()).as(hidden.err()).isZero();
        assertThat(hidden.out()).isBlank(); // the whole reply was reasoning
    }

    @Test
    void templateKwargsTurnThinkingOff() {
        CliRunner.Result off = chat("-n", "40", "--hide-thinking", "--chat-template-kwargs", "{\"enable_thinking\": false}");
        assertThat(off.exit()).as(off.err()).isZero();
        assertThat(off.out()).isNotBlank().doesNotContain("think>");
    }

    @Test
    void badTemplateKwargsAreOneLineNamingTheOption() {
        CliRunner.Result bad = chat("--chat-template-kwargs", "[1, 2]");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err().strip()).contains("--chat-template-kwargs").doesNotContain("\tat ");
        assertThat(bad.err().strip().lines()).hasSize(1);
    }

    @Test
    void onATerminalReasoningIsDimmedAndTheAnswerStartsOnItsOwnLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChatCommand.ReplyPrinter p = new ChatCommand.ReplyPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, true);
        p.print(List.of(new ReplyEvent.Reasoning("Hmm, a cat."), new ReplyEvent.Content("A cat sat.")));
        p.end();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("\u001b[2mHmm, a cat.\u001b[0m\nA cat sat.\n");
        assertThat(p.reasoning()).isEqualTo("Hmm, a cat.");
        assertThat(p.content()).isEqualTo("A cat sat.");

        ByteArrayOutputStream hidden = new ByteArrayOutputStream();
        ChatCommand.ReplyPrinter h = new ChatCommand.ReplyPrinter(new PrintStream(hidden, true, StandardCharsets.UTF_8), false, true);
        h.print(List.of(new ReplyEvent.Reasoning("Hmm."), new ReplyEvent.Content("Yes.")));
        h.end();
        assertThat(hidden.toString(StandardCharsets.UTF_8)).isEqualTo("Yes.\n");
    }
}
