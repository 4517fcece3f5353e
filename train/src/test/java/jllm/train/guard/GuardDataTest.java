package jllm.train.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import jllm.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard's data split: counts per source, disjoint parts, labels, no held-out text or wording in
 * training, the generated texts, and messages for broken files.
 */
class GuardDataTest {

    private static GuardData.Split seed1;

    private static GuardData.Split load(long seed) {
        if (seed != 1) {
            return GuardData.load(SharedData.require("data"), GuardData.Generated.DEFAULT, seed);
        }
        if (seed1 == null) { // loaded once: several tests read it
            seed1 = GuardData.load(SharedData.require("data"), GuardData.Generated.DEFAULT, 1);
        }
        return seed1;
    }

    @Test
    void countsPerSourceFollowTheDocumentedSplit() {
        GuardData.Split split = load(1);
        Map<String, Integer> c = split.counts();
        assertThat(c.get("train advbench attack")).isEqualTo(520);
        assertThat(c.get("train bipia-text attack")).isEqualTo(15 * 5 * 3);
        assertThat(c.get("train bipia-code attack")).isEqualTo(10 * 5 * 3);
        assertThat(c.get("train override attack")).isEqualTo(GuardData.Generated.DEFAULT.overrides());
        assertThat(c.get("test giskard-jailbreak attack")).isEqualTo(20);
        assertThat(c.get("test giskard-hijacking attack")).isEqualTo(15);
        assertThat(c.get("test bipia-text attack")).isEqualTo(15 * 5 * 3);
        assertThat(c.get("test bipia-code attack")).isEqualTo(10 * 5 * 3);
        // 50 e-mails per file, with repeats within and across the files
        assertThat(c.get("train bipia-email benign")).isBetween(30, 50);
        assertThat(c.get("validation bipia-email benign")).isBetween(10, 25);
        assertThat(c.get("test bipia-email benign")).isBetween(10, 25);
        // the permissive benign sources, 85% train and 15% validation
        for (String source : List.of("glaive", "identity", "templates", "passage")) {
            int train = c.get("train " + source + " benign");
            int validation = c.get("validation " + source + " benign");
            assertThat(validation).as(source).isPositive().isLessThan(train / 3);
        }
        assertThat(c.get("train glaive benign") + c.get("validation glaive benign")).isBetween(500, 542);
        assertThat(c.get("train templates benign") + c.get("validation templates benign")).isBetween(GuardData.Generated.DEFAULT.benign() * 9 / 10, GuardData.Generated.DEFAULT.benign());
        // measured only: every Alpaca instruction and DPO prompt
        assertThat(c.get("test alpaca benign")).isBetween(900, 999);
        assertThat(c.get("test dpo benign")).isBetween(200, 300); // 300 pairs, repeated prompts dropped
        assertThat(c.keySet()).noneMatch(k -> k.startsWith("validation") && k.endsWith("attack"));
        assertThat(c.keySet()).noneMatch(k -> !k.startsWith("test") && (k.contains("alpaca") || k.contains("dpo")));
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
        assertThat(split.test()).noneMatch(e -> e.source().equals("advbench") || e.source().equals("override"));
        // no held-out attack is inside a training text
        for (GuardExample t : split.test()) {
            if (t.attack() && t.source().startsWith("giskard")) {
                assertThat(split.train()).noneMatch(e -> e.text().contains(t.text()));
            }
        }
    }

    @Test
    void overrideAttacksShareNoFourWordsInARowWithGiskardsPrompts() {
        GuardData.Split split = load(1);
        Set<List<String>> giskard = new HashSet<>();
        split.test().stream().filter(e -> e.source().startsWith("giskard")).forEach(e -> giskard.addAll(fourGrams(e.text())));
        assertThat(giskard).hasSizeGreaterThan(100);
        Random rnd = new Random(1);
        for (int i = 0; i < 3000; i++) { // every opener meets every action many times over
            String attack = GuardTemplates.override(rnd);
            Set<List<String>> shared = fourGrams(attack);
            shared.retainAll(giskard);
            assertThat(shared).as(attack).isEmpty();
        }
    }

    @Test
    void overridesAreInsideTheirContextAndGeneratedTextsAreDistinct() {
        Random rnd = new Random(2);
        List<String> contexts = List.of("The meeting moved to Tuesday at ten. Please bring the budget sheet.", "Roxy climbed the icy hill.");
        List<String> planted = GuardTemplates.overrides(contexts, 50, rnd);
        assertThat(planted).hasSize(50).doesNotHaveDuplicates();
        for (String p : planted) {
            // a context's words are all there, in order, around the planted instruction, which is longer
            assertThat(contexts).as(p).anyMatch(c -> inOrder(c.split("\\s+"), p.split("\\s+")) && p.length() > c.length() + 20);
            assertThat(List.of(GuardTemplates.OVERRIDE_OPENERS)).anyMatch(o -> p.toLowerCase().contains(o.toLowerCase()));
        }
        List<String> benign = GuardTemplates.benign(new ArrayList<>(contexts), 200, new Random(3));
        assertThat(benign).hasSize(200).doesNotHaveDuplicates();
        assertThat(benign).anyMatch(t -> t.contains("Roxy climbed the icy hill.")).anyMatch(t -> t.startsWith("Write a tutorial on how to"));
    }

    @Test
    void labelsFollowTheSourceAndTheSplitIsSeeded() {
        GuardData.Split split = load(1);
        Set<String> attackSources = Set.of("advbench", "bipia-text", "bipia-code", "override");
        for (GuardExample e : split.train()) {
            assertThat(e.attack()).as(e.source()).isEqualTo(attackSources.contains(e.source()));
        }
        assertThat(split.test()).filteredOn(e -> e.source().startsWith("giskard")).allMatch(GuardExample::attack);
        assertThat(split.test()).filteredOn(e -> e.source().equals("alpaca")).noneMatch(GuardExample::attack);
        assertThat(GuardData.load(SharedData.require("data"), GuardData.Generated.DEFAULT, 1).train()).isEqualTo(split.train());
        assertThat(load(2).train()).isNotEqualTo(split.train());
        assertThat(GuardData.load(SharedData.require("data"), new GuardData.Generated(0, 0), 1).counts())
                .doesNotContainKey("train override attack").doesNotContainKey("train templates benign");
    }

    @Test
    void aMissingOrBrokenFileIsNamed(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> GuardData.load(dir, GuardData.Generated.DEFAULT, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("harmful_behaviors.csv").hasMessageContaining("does not exist");
        Files.createDirectories(dir.resolve("prompt-injection/advbench"));
        Files.writeString(dir.resolve("prompt-injection/advbench/harmful_behaviors.csv"), "goal,target\n\"unclosed,x\n");
        assertThatThrownBy(() -> GuardData.load(dir, GuardData.Generated.DEFAULT, 1)).hasMessageContaining("never closed");
        assertThatThrownBy(() -> new GuardData.Generated(-1, 0)).hasMessageContaining("override attacks");
    }

    /** Whether {@code words} occur in {@code in} in this order (others between them allowed). */
    private static boolean inOrder(String[] words, String[] in) {
        int j = 0;
        for (String w : in) {
            if (j < words.length && w.equals(words[j])) {
                j++;
            }
        }
        return j == words.length;
    }

    private static Set<List<String>> fourGrams(String text) {
        String[] w = text.toLowerCase().split("[^a-z0-9']+");
        List<String> words = new ArrayList<>();
        for (String s : w) {
            if (!s.isEmpty()) {
                words.add(s);
            }
        }
        Set<List<String>> grams = new HashSet<>();
        for (int i = 0; i + 4 <= words.size(); i++) {
            grams.add(List.copyOf(words.subList(i, i + 4)));
        }
        return grams;
    }

    private static Set<String> texts(List<GuardExample> examples) {
        Set<String> s = new HashSet<>();
        examples.forEach(e -> s.add(e.text()));
        return s;
    }
}
