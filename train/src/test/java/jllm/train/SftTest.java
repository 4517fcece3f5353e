package jllm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import jllm.testing.SharedData;
import jllm.chat.ChatMessage;
import jllm.tensor.GgmlType;
import jllm.train.bpe.BpeTrainer;
import jllm.train.bpe.BpeVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seconds-long fine-tuning of a tiny model on a synthetic question-answer set: the loss mask covers
 * exactly the assistant replies and their end-of-turn token, the held-out assistant-token loss falls
 * below a stated value with full fine-tuning and with LoRA (whose base weights outside the adapters
 * stay as they were), and the shared Alpaca demo loads as conversations.
 */
class SftTest {
    static final String[] THINGS = {"ball", "cat", "dog", "cake", "kite", "tree", "car", "hat"};
    static final String[] COLORS = {"red", "blue", "green", "yellow", "pink", "brown", "black", "white"};

    @TempDir
    Path dir;

    /** A random-weight base model whose BPE knows the synthetic chats, with ChatML. */
    static Path baseModel(Path dir) throws Exception {
        BpeTrainer bpe = new BpeTrainer(PretrainConfig.CHATML_SPECIALS);
        for (int i = 0; i < THINGS.length; i++) {
            bpe.add("What color is the " + THINGS[i] + "? The " + THINGS[i] + " is " + COLORS[i] + ". user assistant\n");
        }
        BpeVocabulary v = bpe.train(320);
        LlamaParams p = new LlamaParams(new ModelShape(32, 64, 2, 4, 2, 64, 10000f, true).config(v.size()), true).initialize(1);
        Path f = dir.resolve("base.gguf");
        p.writeGguf(f, v.toGguf(0, 0, true, Optional.of(PretrainConfig.CHATML_TEMPLATE)), "base", GgmlType.F32);
        return f;
    }

    /** n conversations "What color is the X?" -> "The X is C." (the color fixed per thing). */
    static Path chats(Path file, int n, long seed) throws Exception {
        return chats(file, n, seed, 0);
    }

    /** As {@link #chats(Path, int, long)} with thing i colored COLORS[(i + shift) % 8]. */
    static Path chats(Path file, int n, long seed, int shift) throws Exception {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int t = rnd.nextInt(THINGS.length);
            sb.append("{\"messages\": [{\"role\": \"user\", \"content\": \"What color is the ").append(THINGS[t])
                    .append("?\"}, {\"role\": \"assistant\", \"content\": \"The ").append(THINGS[t]).append(" is ")
                    .append(COLORS[(t + shift) % COLORS.length]).append(".\"}]}\n");
        }
        Files.writeString(file, sb.toString());
        return file;
    }

    static SftConfig config(Path base, Path data, Path out, int epochs, Optional<Lora.Settings> lora) {
        return new SftConfig(base, List.of(data), Map.of(), out, epochs, 8, 64, new LrSchedule(1e-2f, 1e-3f, 3, epochs * 12),
                new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.0f), 1.0f, 0.1, 3, 1, "<|im_end|>", Optional.empty(), lora,
                GgmlType.F32, "sft-test");
    }

    @Test
    void theMaskCoversOnlyAssistantRepliesAndEndOfTurn() throws Exception {
        GgufImport.Loaded base = GgufImport.load(baseModel(dir));
        ChatTokenizer chat = new ChatTokenizer(PretrainConfig.CHATML_TEMPLATE, base.tokenizer().toTokenizer(), "<|im_end|>", 0);
        ChatTokenizer.Example e = chat.encode(List.of(ChatMessage.user("What color is the cat?"),
                ChatMessage.assistant("The cat is blue."), ChatMessage.user("And the dog?"), ChatMessage.assistant("Red.")));
        StringBuilder trained = new StringBuilder();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < e.tokens().length; i++) {
            String t = chat.decode(new int[]{e.tokens()[i]});
            all.append(t);
            if (e.trained()[i]) {
                trained.append(t);
            }
        }
        assertThat(all.toString()).isEqualTo("<|endoftext|><|im_start|>user\nWhat color is the cat?<|im_end|>\n"
                + "<|im_start|>assistant\nThe cat is blue.<|im_end|>\n<|im_start|>user\nAnd the dog?<|im_end|>\n"
                + "<|im_start|>assistant\nRed.<|im_end|>\n");
        assertThat(trained.toString()).isEqualTo("The cat is blue.<|im_end|>Red.<|im_end|>");
    }

    @Test
    void aWindowTooShortForAnyReplyIsAClearError() throws Exception {
        Path base = baseModel(dir);
        SftConfig ok = config(base, chats(dir.resolve("chats.jsonl"), 20, 2), dir.resolve("short"), 1, Optional.empty());
        SftConfig tooShort = new SftConfig(ok.baseModel(), ok.data(), ok.placeholders(), ok.outDir(), 1, ok.batch(), 4,
                ok.schedule(), ok.adamW(), ok.gradClip(), ok.valFraction(), ok.seed(), ok.threads(), ok.endOfTurn(),
                ok.chatTemplate(), ok.lora(), ok.outputType(), ok.name());
        assertThatThrownBy(() -> Sft.run(tooShort, ProgressListener.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("of 20 conversations").hasMessageContaining("20 were skipped (20 have no assistant reply "
                        + "within the first 4 tokens) and 0 remain").hasMessageContaining("raise --max-len to at least");
        assertThat(dir.resolve("short").resolve("model.gguf")).doesNotExist();
    }

    @Test
    void fullFineTuningLearnsTheAnswers() throws Exception {
        Path base = baseModel(dir);
        SftResult r = Sft.run(config(base, chats(dir.resolve("chats.jsonl"), 100, 2), dir.resolve("full"), 8, Optional.empty()),
                ProgressListener.NONE);
        assertThat(r.valBefore()).isGreaterThan(4.0);
        assertThat(r.valAfter()).as("held-out assistant-token loss after 8 epochs").isLessThan(0.6);
        assertThat(r.gguf()).exists();
        assertThat(GgufImport.load(r.gguf()).tokenizer().eos()).isEqualTo(GgufImport.load(base).tokenizer().tokens().indexOf("<|im_end|>"));
    }

    @Test
    void loraTrainsOnlyTheAdapters() throws Exception {
        // an assistant that learned one set of colors is adapted to another with LoRA
        Path base = Sft.run(config(baseModel(dir), chats(dir.resolve("chats.jsonl"), 100, 2), dir.resolve("full"), 8,
                Optional.empty()), ProgressListener.NONE).gguf();
        LlamaParams before = GgufImport.load(base).params();
        SftResult r = Sft.run(config(base, chats(dir.resolve("shifted.jsonl"), 100, 3, 3), dir.resolve("lora"), 8,
                Optional.of(new Lora.Settings(4, 8, Lora.ALL_MATRICES))), ProgressListener.NONE);
        System.out.printf("LoRA: held-out loss %.4f -> %.4f%n", r.valBefore(), r.valAfter());
        assertThat(r.valBefore()).as("the new colors are wrong before").isGreaterThan(0.6);
        assertThat(r.valAfter()).as("held-out assistant-token loss with LoRA").isLessThan(r.valBefore() - 0.1);
        assertThat(r.trainableValues()).isLessThan(before.count() / 2);
        assertThat(dir.resolve("lora/adapter.gguf")).exists();
        for (int i = 0; i < before.all().size(); i++) {
            Param p = before.all().get(i);
            boolean adapted = Lora.ALL_MATRICES.stream().anyMatch(t -> p.name().contains("." + t + "."));
            if (!adapted) {
                assertThat(r.params().all().get(i).value()).as(p.name()).containsExactly(p.value());
            }
        }
    }

    @Test
    void alpacaDemoLoads() {
        Path alpaca = SharedData.require("data/sft-demo/alpaca_en_demo.json");
        List<List<ChatMessage>> convs = ChatExamples.load(alpaca, Map.of());
        assertThat(convs).hasSize(999);
        assertThat(convs.getFirst()).extracting(ChatMessage::role).containsExactly("user", "assistant");
        Path identity = SharedData.require("data/sft-demo/identity.json");
        List<List<ChatMessage>> id = ChatExamples.load(identity, Map.of("name", "jllm-tiny", "author", "jllm"));
        assertThat(id.getFirst().get(1).content()).contains("jllm-tiny").doesNotContain("{{");
        List<String> roles = new ArrayList<>();
        for (List<ChatMessage> c : id) {
            roles.add(c.getLast().role());
        }
        assertThat(roles).containsOnly("assistant");
    }
}
