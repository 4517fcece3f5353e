package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jllm.tensor.GgmlType;
import jllm.train.LlamaParams;
import jllm.train.ModelShape;
import jllm.train.PretrainConfig;
import jllm.train.bpe.BpeTrainer;
import jllm.train.bpe.BpeVocabulary;
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
        // one validation loss: the summary's is the last step line's, and the summary says what it is
        assertThat(number(train.out(), "validation loss ([0-9.]+)")).isEqualTo(number(train.err(), "step 60: train loss [0-9.]+, val loss ([0-9.]+)"));
        assertThat(train.out()).containsPattern("validation loss [0-9.]+ \\(mean over \\d+ held-out windows of 64 tokens, as in the step lines\\)");
        // the manifest is JSON whose model and settings are objects
        JsonNode manifest = new ObjectMapper().readTree(tmp.resolve("base/manifest.json").toFile());
        assertThat(manifest.get("model").get("num_layers").asInt()).isEqualTo(2);
        assertThat(manifest.get("config").get("settings").get("steps").asInt()).isEqualTo(60);
        assertThat(manifest.get("config").get("out_dir").asText()).isEqualTo(tmp.resolve("base").toString());
        // the model has the permissions of any file made in that folder (not 0600)
        assertSameModeAsANewFile(tmp.resolve("base/model.gguf"));

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
        assertSameModeAsANewFile(tmp.resolve("sft/model.gguf"));
        assertSameModeAsANewFile(tmp.resolve("dpo/model.gguf"));

        CliRunner.Result chat = CliRunner.runWithInput("What color is the cat?\n", "chat", tmp.resolve("dpo/model.gguf").toString(), "--temp", "0", "-n", "8");
        assertThat(chat.exit()).as(chat.err()).isZero();
    }

    @Test
    void anEmptyTrainingFileIsCalledEmpty(@TempDir Path tmp) throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        CliRunner.Result r = CliRunner.run("train", empty.toString(), "-o", tmp.resolve("out").toString(), "-t", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("jllm: " + empty + " is empty: there is nothing to train on; give a file with text\n");
    }

    /**
     * A base whose 32-token context holds only short conversations: sft and dpo refuse, with the counts and the
     * fix, when nothing is left to train on or to validate with, and never print NaN.
     */
    @Test
    void sftAndDpoRefuseWhenTooLittleDataFits(@TempDir Path tmp) throws Exception {
        Path base = tinyBase(tmp.resolve("base.gguf"), 32);
        String longQuestion = "What color is the " + String.join(" and the ", THINGS) + " and the " + String.join(" and the ", THINGS) + "?";
        StringBuilder chats = new StringBuilder();
        StringBuilder pairs = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            String q = i % 100 == 0 ? "What color is the cat?" : longQuestion; // 3 of 300 fit
            if (i < 40) {
                chats.append("{\"messages\": [{\"role\": \"user\", \"content\": \"").append(q)
                        .append("\"}, {\"role\": \"assistant\", \"content\": \"It is red.\"}]}\n");
            }
            pairs.append("{\"prompt\": \"").append(q).append("\", \"chosen\": \"It is red.\", \"rejected\": \"It is blue.\"}\n");
        }
        Path chatFile = Files.writeString(tmp.resolve("chats.jsonl"), chats);
        Path pairFile = Files.writeString(tmp.resolve("pairs.jsonl"), pairs);

        CliRunner.Result sft = CliRunner.run("sft", base.toString(), chatFile.toString(), "-o", tmp.resolve("sft").toString(), "-t", "1");
        assertThat(sft.exit()).isEqualTo(1);
        assertThat(sft.err()).startsWith("jllm: too little data to fine-tune on: of 40 conversations in " + chatFile
                        + ", 39 were skipped (39 have no assistant reply within the first 33 tokens) and 1 remain: 1 for training, "
                        + "0 held out for validation (validation fraction 0.05). To fix: use a base model with a longer context "
                        + "(this one holds 32 tokens; the earliest reply starts at token ")
                .contains("; add conversations with assistant replies; give --val-fraction 0 to train without validation");
        assertThat(tmp.resolve("sft/model.gguf")).doesNotExist();
        CliRunner.Result noneFit = CliRunner.run("sft", base.toString(), chatFile.toString(), "-o", tmp.resolve("sft").toString(),
                "--max-len", "12", "-t", "1");
        assertThat(noneFit.exit()).isEqualTo(1);
        assertThat(noneFit.err()).contains("40 were skipped (40 have no assistant reply within the first 12 tokens) and 0 remain")
                .contains("raise --max-len to at least");

        CliRunner.Result dpo = CliRunner.run("dpo", base.toString(), pairFile.toString(), "-o", tmp.resolve("dpo").toString(), "-t", "1");
        assertThat(dpo.exit()).isEqualTo(1);
        assertThat(dpo.err()).isEqualTo("jllm: too little data for DPO: of 300 preference pairs in " + pairFile + ", 297 were "
                + "skipped (297 have a prompt and reply longer than 33 tokens) and 3 remain: 3 for training, 0 held out for "
                + "validation (validation fraction 0.1). To fix: shorten the pairs or use a model with a longer context (this "
                + "one holds 32 tokens); add pairs; give --val-fraction 0 to train without validation\n");
        assertThat(tmp.resolve("dpo/model.gguf")).doesNotExist();

        // without validation what fits is trained on, and the summary says what was skipped, without NaN
        CliRunner.Result dpo0 = CliRunner.run("dpo", base.toString(), pairFile.toString(), "-o", tmp.resolve("dpo").toString(),
                "--val-fraction", "0", "-t", "1");
        assertThat(dpo0.exit()).as(dpo0.err()).isZero();
        assertThat(dpo0.out()).contains("on 3 pairs (0 held out, 297 longer than 33 tokens skipped)")
                .contains("no held-out pairs (--val-fraction 0)").doesNotContainIgnoringCase("nan");
        CliRunner.Result sft0 = CliRunner.run("sft", base.toString(), chatFile.toString(), "-o", tmp.resolve("sft").toString(),
                "--val-fraction", "0", "-t", "1");
        assertThat(sft0.exit()).as(sft0.err()).isZero();
        assertThat(sft0.out()).contains("on 1 conversations (39 skipped: 39 have no assistant reply within the first 33 tokens)")
                .contains("no held-out conversations (--val-fraction 0)").doesNotContainIgnoringCase("nan");
        assertThat(sft0.err()).doesNotContainIgnoringCase("nan");
    }

    /** A random-weight llama with a BPE that knows the test's words, ChatML, and a context of {@code ctx}. */
    static Path tinyBase(Path file, int ctx) {
        BpeTrainer bpe = new BpeTrainer(PretrainConfig.CHATML_SPECIALS);
        for (int i = 0; i < THINGS.length; i++) {
            bpe.add("What color is the " + THINGS[i] + " and the? It is " + COLORS[i] + ". user assistant\n");
        }
        BpeVocabulary v = bpe.train(300);
        new LlamaParams(new ModelShape(16, 32, 1, 2, 1, ctx, 10000f, true).config(v.size()), true).initialize(1)
                .writeGguf(file, v.toGguf(0, 0, true, Optional.of(PretrainConfig.CHATML_TEMPLATE)), "tiny", GgmlType.F32);
        return file;
    }

    static void assertSameModeAsANewFile(Path file) throws Exception {
        Path probe = Files.writeString(file.resolveSibling("probe-" + file.getFileName() + ".txt"), "x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(probe)));
        Files.delete(probe);
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertThat(m.find()).as("'%s' in %s", regex, out).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
