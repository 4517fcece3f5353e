package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seconds-long versions of {@code jllm train}, {@code jllm sft} and {@code jllm dpo} on a tiny synthetic
 * corpus: each loss falls below a stated value, and {@code jllm run} loads the results with jllm's own
 * tokenizer (so the trained GGUF's tokenizer keys are right).
 */
class TrainCommandsTest {
    static final String[] NAMES = {"Tom", "Lily", "Sam", "Mia"};
    static final String[] THINGS = {"ball", "cat", "dog", "cake", "kite", "tree"};
    static final String[] COLORS = {"red", "blue", "green", "yellow", "pink", "brown"};

    @Test
    void trainSftDpoRun(@TempDir Path tmp) throws Exception {
        Random rnd = new Random(1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            String n = NAMES[rnd.nextInt(4)];
            int t = rnd.nextInt(6);
            text.append(n).append(" was ").append(1 + rnd.nextInt(90)).append(". ").append(n).append(" had a ")
                    .append(COLORS[t]).append(' ').append(THINGS[t]).append(". ").append(n)
                    .append(" played with the ").append(THINGS[t]).append(".\n\n");
        }
        Path corpus = Files.writeString(tmp.resolve("corpus.txt"), text);
        CliRunner.Result train = CliRunner.run("train", corpus.toString(), "-o", tmp.resolve("base").toString(), "--vocab", "300",
                "--dim", "32", "--hidden", "64", "--layers", "2", "--heads", "4", "--kv-heads", "2", "--ctx", "64",
                "--batch", "4", "--steps", "60", "--lr", "2e-2", "--eval-every", "30", "--eval-batches", "4", "-t", "1");
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(number(train.out(), "validation loss ([0-9.]+)")).as(train.out()).isLessThan(1.2);
        assertThat(train.err()).contains("tok/s").contains("ETA");
        assertThat(tmp.resolve("base/loss.svg")).exists();

        CliRunner.Result run = CliRunner.run("run", tmp.resolve("base/model.gguf").toString(), "-p", "Tom had a", "-n", "6", "--temp", "0");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isNotBlank();

        StringBuilder chats = new StringBuilder();
        StringBuilder pairs = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            int t = rnd.nextInt(6);
            chats.append("{\"messages\": [{\"role\": \"user\", \"content\": \"What color is the ").append(THINGS[t])
                    .append("?\"}, {\"role\": \"assistant\", \"content\": \"The ").append(THINGS[t]).append(" is ")
                    .append(COLORS[t]).append(".\"}]}\n");
            pairs.append("{\"prompt\": \"What color is the ").append(THINGS[t]).append("?\", \"chosen\": \"It is ")
                    .append(COLORS[t]).append(".\", \"rejected\": \"It is ").append(COLORS[(t + 1) % 6]).append(".\"}\n");
        }
        Path chatFile = Files.writeString(tmp.resolve("chats.jsonl"), chats);
        CliRunner.Result sft = CliRunner.run("sft", tmp.resolve("base/model.gguf").toString(), chatFile.toString(), "-o",
                tmp.resolve("sft").toString(), "--epochs", "4", "--lr", "2e-2", "--val-fraction", "0.1", "-t", "1");
        assertThat(sft.exit()).as(sft.err()).isZero();
        assertThat(number(sft.out(), "held-out assistant loss [0-9.]+ -> ([0-9.]+)")).as(sft.out()).isLessThan(0.8);

        Path pairFile = Files.writeString(tmp.resolve("pairs.jsonl"), pairs);
        CliRunner.Result dpo = CliRunner.run("dpo", tmp.resolve("sft/model.gguf").toString(), pairFile.toString(), "-o",
                tmp.resolve("dpo").toString(), "--epochs", "3", "--lr", "5e-3", "--val-fraction", "0.2", "-t", "1");
        assertThat(dpo.exit()).as(dpo.err()).isZero();
        assertThat(number(dpo.out(), "step-0 loss ([0-9.]+)")).isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(number(dpo.out(), "held-out reward accuracy [0-9.]+ -> ([0-9.]+)")).as(dpo.out()).isGreaterThan(0.6);

        CliRunner.Result chat = CliRunner.runWithInput("What color is the cat?\n", "chat", tmp.resolve("dpo/model.gguf").toString(), "--temp", "0", "-n", "8");
        assertThat(chat.exit()).as(chat.err()).isZero();
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertThat(m.find()).as("'%s' in %s", regex, out).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
