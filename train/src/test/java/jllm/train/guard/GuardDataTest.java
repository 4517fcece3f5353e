package jllm.train.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jllm.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard's data split: counts per source, disjoint parts, labels, and messages for broken files. */
class GuardDataTest {

    private static GuardData.Split load(long seed) {
        Path injection = SharedData.require("data/prompt-injection");
        Path sftDemo = SharedData.require("data/sft-demo");
        return GuardData.load(injection, sftDemo, seed);
    }

    @Test
    void countsPerSourceFollowTheDocumentedSplit() {
        GuardData.Split split = load(1);
        Map<String, Integer> c = split.counts();
        assertThat(c.get("train advbench attack")).isEqualTo(520);
        assertThat(c.get("train bipia-text attack")).isEqualTo(15 * 5 * 3);
        assertThat(c.get("train bipia-code attack")).isEqualTo(10 * 5 * 3);
        assertThat(c.get("test giskard-jailbreak attack")).isEqualTo(20);
        assertThat(c.get("test giskard-hijacking attack")).isEqualTo(15);
        assertThat(c.get("test bipia-text attack")).isEqualTo(15 * 5 * 3);
        assertThat(c.get("test bipia-code attack")).isEqualTo(10 * 5 * 3);
        // 50 e-mails per file, with repeats within and across the files
        assertThat(c.get("train bipia-email benign")).isBetween(30, 50);
        assertThat(c.get("train bipia-question benign")).isBetween(30, 50);
        assertThat(c.get("validation bipia-email benign")).isBetween(10, 25);
        assertThat(c.get("test bipia-email benign")).isBetween(10, 25);
        assertThat(c.get("test bipia-question benign")).isBetween(1, 25); // the questions are templated: few are new
        int alpaca = c.get("train alpaca benign") + c.get("validation alpaca benign") + c.get("test alpaca benign");
        assertThat(alpaca).isBetween(900, 999); // 999 records, duplicates dropped
        assertThat(c.get("train alpaca benign")).isEqualTo(alpaca * 6 / 10);
        assertThat(c.keySet()).noneMatch(k -> k.startsWith("validation") && k.endsWith("attack"));
    }

    @Test
    void partsShareNoTextAndAttackKindsOfTheTestAreUnseen() {
        GuardData.Split split = load(1);
        Set<String> train = texts(split.train());
        Set<String> validation = texts(split.validation());
        Set<String> test = texts(split.test());
        assertThat(train).doesNotContainAnyElementsOf(validation).doesNotContainAnyElementsOf(test);
        assertThat(validation).doesNotContainAnyElementsOf(test);
        assertThat(split.train()).noneMatch(e -> e.source().startsWith("giskard"));
        assertThat(split.test()).noneMatch(e -> e.source().equals("advbench"));
    }

    @Test
    void labelsFollowTheSourceAndTheSplitIsSeeded() {
        GuardData.Split split = load(1);
        for (GuardExample e : split.train()) {
            assertThat(e.attack()).as(e.source()).isEqualTo(e.source().equals("advbench") || e.source().startsWith("bipia-text")
                    || e.source().startsWith("bipia-code"));
        }
        assertThat(split.test()).filteredOn(e -> e.source().startsWith("giskard")).allMatch(GuardExample::attack);
        assertThat(split.test()).filteredOn(e -> e.source().equals("alpaca")).noneMatch(GuardExample::attack);
        assertThat(load(1).train()).isEqualTo(split.train());
        assertThat(load(2).train()).isNotEqualTo(split.train());
    }

    @Test
    void aMissingOrBrokenFileIsNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> GuardData.load(dir, dir, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("harmful_behaviors.csv").hasMessageContaining("does not exist");
        Files.createDirectories(dir.resolve("advbench"));
        Files.writeString(dir.resolve("advbench/harmful_behaviors.csv"), "goal,target\n\"unclosed,x\n");
        assertThatThrownBy(() -> GuardData.load(dir, dir, 1)).hasMessageContaining("never closed");
    }

    private static Set<String> texts(List<GuardExample> examples) {
        Set<String> s = new HashSet<>();
        examples.forEach(e -> s.add(e.text()));
        return s;
    }
}
