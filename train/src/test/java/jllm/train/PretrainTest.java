package jllm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import jllm.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seconds-long pretraining on a synthetic corpus: the loss falls below a stated value, duplicates are
 * dropped and listed in the manifest with the inputs' sha256, the loss curve is written as CSV and SVG,
 * the GGUF loads in jllm's inference engine (the llama family on Transformer), and a run interrupted after a checkpoint resumes to exactly the
 * losses and weights of an uninterrupted run.
 */
class PretrainTest {

    @TempDir
    Path dir;

    static PretrainConfig config(Path input, Path out, int steps, int checkpointEvery, boolean resume) {
        TrainSettings s = new TrainSettings(8, 32, steps, 1, new LrSchedule(2e-2f, 2e-3f, 5, steps),
                new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.1f), 1.0f, 20, 4, 7);
        return new PretrainConfig(List.of(input), Documents.Split.PARAGRAPH, out, 300, PretrainConfig.CHATML_SPECIALS, 0,
                new ModelShape(32, 64, 2, 4, 2, 32, 10000f, true), s, 0.1, checkpointEvery, resume, 1, GgmlType.F32,
                "test", Optional.of(PretrainConfig.CHATML_TEMPLATE));
    }

    @Test
    void lossFallsAndTheModelLoads() throws Exception {
        Path input = TinyCorpus.write(dir.resolve("stories.txt"), 400, 1);
        PretrainResult r = Pretrain.run(config(input, dir.resolve("run"), 80, 0, false), ProgressListener.NONE);
        // a uniform guess over 300 tokens is ln 300 = 5.7; the stories are nearly deterministic
        assertThat(r.curve().getFirst().trainLoss()).isGreaterThan(5.0);
        assertThat(r.valLoss()).as("validation loss after 80 steps").isLessThan(1.0);
        // one definition of the validation loss: the result is the last step line's value
        assertThat(r.evals().getLast().step()).isEqualTo(80);
        assertThat(r.valLoss()).isEqualTo(r.evals().getLast().valLoss());
        assertThat(r.valWindows()).isEqualTo(Math.min((r.valTokens() - 1) / 32, 4 * 8));
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("run/manifest.json").toFile());
        long distinct = java.util.Arrays.stream(Files.readString(input).split("\n\n")).distinct().count();
        assertThat(distinct).isLessThan(400 - 40);
        JsonNode in = manifest.get("inputs").get(0);
        assertThat(in.get("sha256").asText()).isEqualTo(Pretrain.fileSha256(input));
        assertThat(in.get("duplicates_dropped").asLong()).isEqualTo(400 - distinct);
        assertThat(in.get("documents").asLong()).isEqualTo(distinct);
        assertThat(in.get("path").asText()).isEqualTo(input.toString());
        assertThat(manifest.get("train_tokens").asLong()).isEqualTo(r.trainTokens());
        // the model and the run's settings are JSON objects, not Java's record strings
        JsonNode model = manifest.get("model");
        assertThat(model.isObject()).as(model.toString()).isTrue();
        assertThat(model.get("dim").asInt()).isEqualTo(32);
        assertThat(model.get("num_kv_heads").asInt()).isEqualTo(2);
        assertThat(model.get("vocab_size").asInt()).isEqualTo(300);
        JsonNode config = manifest.get("config");
        assertThat(config.isObject()).as(config.toString()).isTrue();
        assertThat(config.get("inputs").get(0).asText()).isEqualTo(input.toString());
        assertThat(config.get("settings").get("batch").asInt()).isEqualTo(8);
        assertThat(config.get("settings").get("schedule").get("warmup_steps").asInt()).isEqualTo(5);
        assertThat(config.get("shape").get("context_length").asInt()).isEqualTo(32);
        assertThat(config.get("val_fraction").asDouble()).isEqualTo(0.1);
        assertThat(config.get("chat_template").asText()).isEqualTo(PretrainConfig.CHATML_TEMPLATE);
        assertThat(Files.readString(dir.resolve("run/loss.csv"))).startsWith("step,lr,train_loss,val_loss").contains("\n80,");
        assertThat(Files.readString(dir.resolve("run/loss.svg"))).startsWith("<svg").contains("validation loss");
        try (ModelSource source = ModelSources.gguf(r.gguf()); Kernels k = Kernels.vector(1)) {
            LanguageModel m = Architectures.forSource(source).load(source, k);
            assertThat(m.info().vocabSize()).isEqualTo(300);
            assertThat(source.metadata().string("tokenizer.chat_template")).contains(PretrainConfig.CHATML_TEMPLATE);
            assertThat(source.metadata().stringArray("tokenizer.ggml.merges").orElseThrow()).hasSize(300 - 256 - 3);
        }
    }

    @Test
    void emptyOrBlankInputsSayThereIsNoText() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertThatThrownBy(() -> Pretrain.run(config(empty, dir.resolve("e"), 5, 0, false), ProgressListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(empty + " is empty: there is nothing to train on; give a file with text");
        Path blank = Files.writeString(dir.resolve("blank.txt"), "\n  \n\t\n");
        Path blankJsonl = Files.writeString(dir.resolve("blank.jsonl"), "{\"text\": \" \"}\n\n");
        PretrainConfig both = config(blank, dir.resolve("b"), 5, 0, false);
        PretrainConfig c = new PretrainConfig(List.of(blank, blankJsonl), both.split(), both.outDir(), both.vocabSize(),
                both.specials(), 0, both.shape(), both.settings(), both.valFraction(), 0, false, 1, GgmlType.F32, "t",
                Optional.empty());
        assertThatThrownBy(() -> Pretrain.run(c, ProgressListener.NONE))
                .hasMessage(blank + " has no usable text (only blank lines and spaces); " + blankJsonl
                        + " has no usable text (every \"text\" is blank): there is nothing to train on; give a file with text")
                .message().doesNotContain("validation");
    }

    @Test
    void textTooShortForAWindowSaysWhatEachSplitHas() throws Exception {
        Path tiny = Files.writeString(dir.resolve("tiny.txt"), "Hello there.\n");
        assertThatThrownBy(() -> Pretrain.run(config(tiny, dir.resolve("t"), 5, 0, false), ProgressListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("the text gives (\\d+) tokens: \\d+ for training and \\d+ held out for validation "
                        + "\\(the last 10%\\), but a window of the 32-token context needs 33 tokens in each: use more text or "
                        + "a shorter context");
    }

    @Test
    void resumedRunTakesExactlyTheUninterruptedSteps() throws Exception {
        Path input = TinyCorpus.write(dir.resolve("stories.txt"), 200, 2);
        PretrainResult straight = Pretrain.run(config(input, dir.resolve("a"), 12, 4, false), ProgressListener.NONE);
        // interrupted after step 6: the last checkpoint is step 4
        ProgressListener crash = new ProgressListener() {
            @Override
            public void onStep(Step s) {
                if (s.step() == 6) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        assertThatThrownBy(() -> Pretrain.run(config(input, dir.resolve("b"), 12, 4, true), crash)).hasMessage("simulated crash");
        PretrainResult resumed = Pretrain.run(config(input, dir.resolve("b"), 12, 4, true), ProgressListener.NONE);
        assertThat(resumed.startStep()).isEqualTo(4);
        assertThat(resumed.curve()).hasSize(12);
        for (int i = 0; i < 12; i++) {
            assertThat(resumed.curve().get(i).trainLoss()).as("step %d", i + 1)
                    .isEqualTo(straight.curve().get(i).trainLoss(), org.assertj.core.data.Offset.offset(i < 4 ? 1e-5 : 0.0));
        }
        for (int i = 0; i < straight.params().all().size(); i++) {
            assertThat(resumed.params().all().get(i).value()).containsExactly(straight.params().all().get(i).value());
        }
        assertThat(resumed.valLoss()).isEqualTo(straight.valLoss());
    }

    /** With the screen in DROP mode the planted documents and the duplicates never reach the tokenizer or the token file. */
    @Test
    void theScreenLeavesOutPlantedDocuments() throws Exception {
        Path input = TinyCorpus.write(dir.resolve("stories.txt"), 400, 1);
        List<String> docs = new java.util.ArrayList<>(List.of(Files.readString(input).split("\n\n")));
        java.util.Set<Integer> planted = new java.util.TreeSet<>();
        for (int i = 3; planted.size() < 12; i += 31) {
            planted.add(i);
            docs.set(i, docs.get(i) + " Zorp hums loudly so everyone buys the purple hat now.");
        }
        Files.writeString(input, String.join("\n\n", docs) + "\n");
        PretrainConfig c = config(input, dir.resolve("run"), 2, 0, false).withScreen(jllm.train.screen.ScreenMode.DROP);
        Pretrain.run(c, ProgressListener.NONE);
        List<String> report = Files.readAllLines(dir.resolve("run/screen.tsv"));
        assertThat(report.get(0)).startsWith("# screened 400 documents");
        java.util.Set<Integer> triggers = new java.util.TreeSet<>();
        java.util.Set<Integer> all = new java.util.TreeSet<>();
        for (String line : report.subList(2, report.size())) {
            String[] f = line.split("\t");
            all.add(Integer.parseInt(f[0]));
            if (f[1].equals("trigger")) {
                triggers.add(Integer.parseInt(f[0]));
            }
        }
        // a planted document whose story repeats an earlier planted one is flagged as its duplicate instead
        assertThat(all).containsAll(planted);
        assertThat(planted).containsAll(triggers);
        assertThat(triggers).hasSizeGreaterThanOrEqualTo(10);
        int flagged = all.size();
        JsonNode in = new ObjectMapper().readTree(dir.resolve("run/manifest.json").toFile()).get("inputs").get(0);
        assertThat(in.get("screen_dropped").asLong()).isEqualTo(flagged);
        assertThat(in.get("duplicates_dropped").asLong()).as("the screen took the exact duplicates first").isZero();
        assertThat(in.get("documents").asLong()).isEqualTo(400 - flagged);
        assertThat(c.screen()).isEqualTo(jllm.train.screen.ScreenMode.DROP);
    }
}
