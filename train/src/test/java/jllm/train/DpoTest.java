package jllm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import jllm.testing.SharedData;
import jllm.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seconds-long DPO on a tiny assistant: the step-0 loss is ln 2 to 1e-6, and after training on pairs
 * that prefer new answers over the ones it learned, held-out reward accuracy exceeds 0.9 with a positive
 * margin and the held-out loss below ln 2. The shared preference sets load.
 */
class DpoTest {
    @TempDir
    Path dir;

    @Test
    void stepZeroIsLn2AndPreferencesAreLearned() throws Exception {
        Path sft = Sft.run(SftTest.config(SftTest.baseModel(dir), SftTest.chats(dir.resolve("chats.jsonl"), 100, 2),
                dir.resolve("sft"), 8, Optional.empty()), ProgressListener.NONE).gguf();
        // chosen: the colors shifted by 3; rejected: the colors the model learned
        Random rnd = new Random(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            int t = rnd.nextInt(SftTest.THINGS.length);
            String thing = SftTest.THINGS[t];
            sb.append("{\"prompt\": \"What color is the ").append(thing).append("?\", \"chosen\": \"The ").append(thing)
                    .append(" is ").append(SftTest.COLORS[(t + 3) % 8]).append(".\", \"rejected\": \"The ").append(thing)
                    .append(" is ").append(SftTest.COLORS[t]).append(".\"}\n");
        }
        Path pairs = Files.writeString(dir.resolve("pairs.jsonl"), sb.toString());
        DpoConfig c = new DpoConfig(sft, Optional.empty(), List.of(pairs), dir.resolve("dpo"), 0.1, 4, 8, 64, 0,
                new LrSchedule(1e-2f, 1e-3f, 2, 4 * 14), new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.0f), 1.0f, 0.1, 5, 1,
                "<|im_end|>", GgmlType.F32, "dpo-test");
        DpoResult r = Dpo.run(c, ProgressListener.NONE);
        System.out.printf("DPO: step-0 loss %.9f (ln 2 = %.9f); held-out accuracy %.3f -> %.3f, margin %.4f -> %.4f, loss %.4f -> %.4f%n",
                r.step0Loss(), Math.log(2), r.before().accuracy(), r.after().accuracy(), r.before().margin(),
                r.after().margin(), r.before().loss(), r.after().loss());
        assertThat(r.step0Loss()).isCloseTo(Math.log(2), within(1e-6));
        assertThat(r.before().loss()).isCloseTo(Math.log(2), within(1e-6));
        assertThat(r.after().accuracy()).as("held-out reward accuracy").isGreaterThan(0.9);
        assertThat(r.after().margin()).isPositive();
        assertThat(r.after().loss()).isLessThan(Math.log(2) - 0.1);
    }

    @Test
    void sharedPreferenceSetsLoad() {
        List<PreferencePair> demo = PreferencePair.load(SharedData.require("data/dpo-demo/dpo_en_demo.json"));
        assertThat(demo).hasSize(300);
        assertThat(demo.getFirst().prompt().getFirst().role()).isEqualTo("user");
        List<PreferencePair> hh = PreferencePair.load(SharedData.require("data/hh-rlhf-harmless-test/harmless-base-test.jsonl.gz"));
        assertThat(hh.size()).isBetween(2300, 2312);
        assertThat(hh).allSatisfy(p -> {
            assertThat(p.prompt().getLast().role()).isEqualTo("user");
            assertThat(p.chosen()).isNotEqualTo(p.rejected());
        });
    }
}
