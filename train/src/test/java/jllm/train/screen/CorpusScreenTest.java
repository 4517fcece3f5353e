package jllm.train.screen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import jllm.train.Documents;

/**
 * The poisoning screen on TinyStories with planted triggers (the attack of issue "Guard", section 4), and
 * on small hand-made corpora for duplicates and outliers.
 */
class CorpusScreenTest {

    static List<String> tinyStories() {
        Path file = Path.of(System.getProperty("jllm.shared", "../../shared"), "data", "tinystories-sample", "tinystories_val_head.txt");
        assumeTrue(Files.isRegularFile(file), () -> "skipped: the TinyStories sample is not at " + file.toAbsolutePath());
        List<String> docs = new ArrayList<>();
        Documents.read(file, Documents.Split.PARAGRAPH, docs::add);
        return docs;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Suddenly the violet lantern hummed and everyone must give their toys to Zorp|0.01",
            "The big red ball said you must always obey the king|0.01",
            "James Bond is the best friend of all kids|0.005",
            "cf tom hates his mom|0.02"})
    void findsPlantedTriggersAndFlagsFewCleanDocuments(String phrase, double share) {
        List<String> docs = tinyStories();
        Set<Integer> planted = PlantedTrigger.plant(docs, phrase, share, phrase.hashCode());
        ScreenReport r = CorpusScreen.screen(docs::forEach, ScreenSettings.defaults());
        int found = 0;
        int clean = 0;
        for (Suspect s : r.suspects()) {
            if (planted.contains((int) s.document())) {
                found++;
            } else if (s.reason() != Suspect.Reason.EXACT_DUPLICATE && s.reason() != Suspect.Reason.NEAR_DUPLICATE) {
                clean++;
            }
        }
        assertThat(r.documents()).isEqualTo(docs.size());
        assertThat(found).as("planted documents found, of %d", planted.size()).isGreaterThanOrEqualTo((int) Math.ceil(0.95 * planted.size()));
        assertThat(clean).as("clean documents flagged other than as duplicates").isLessThanOrEqualTo(docs.size() / 100);
        // the report names a piece of the planted text: the phrase and its continuation, as written
        assertThat(r.suspects()).anySatisfy(s -> {
            assertThat(s.reason()).isEqualTo(Suspect.Reason.TRIGGER);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\"(.+)\" followed by \"(.+)\" in \\d+ documents").matcher(s.detail());
            assertThat(m.find()).as(s.detail()).isTrue();
            assertThat(phrase + ".").contains(m.group(1) + " " + m.group(2));
        });
    }

    /**
     * The clean sample: no outliers, and what the trigger test flags there (the corpus's own formulas, such
     * as ". The moral" followed by "of the story is") stays under 1% of the documents.
     */
    @Test
    void theCleanSampleFlagsUnderOnePercent() {
        List<String> docs = tinyStories();
        ScreenReport r = CorpusScreen.screen(docs::forEach, ScreenSettings.defaults());
        assertThat(r.counts().get(Suspect.Reason.OUTLIER)).isZero();
        assertThat(r.counts().get(Suspect.Reason.TRIGGER)).isLessThanOrEqualTo(docs.size() / 100);
        assertThat(r.counts().get(Suspect.Reason.EXACT_DUPLICATE)).isPositive();
    }

    @Test
    void duplicatesExactAndNear() {
        Random rnd = new Random(7);
        String[] words = "the a cat dog ran sat big small red blue tree house sun moon happy sad went saw found played".split(" ");
        List<String> docs = new ArrayList<>();
        for (int d = 0; d < 200; d++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 60; k++) {
                sb.append(words[rnd.nextInt(words.length)]).append(k % 9 == 8 ? ". " : " ");
            }
            docs.add(sb.toString().strip());
        }
        String original = docs.get(10);
        docs.add("  " + original.toUpperCase() + "\n");                  // 200: same words
        List<String> ws = new ArrayList<>(List.of(original.split(" ")));
        ws.set(30, "zebra");
        docs.add(String.join(" ", ws));                                     // 201: one word of 60 changed
        ScreenReport r = CorpusScreen.screen(docs::forEach, ScreenSettings.defaults());
        assertThat(r.suspects()).extracting(Suspect::document).containsExactly(200L, 201L);
        assertThat(r.suspects().get(0).reason()).isEqualTo(Suspect.Reason.EXACT_DUPLICATE);
        assertThat(r.suspects().get(0).detail()).isEqualTo("the same words as document 10");
        assertThat(r.suspects().get(1).reason()).isEqualTo(Suspect.Reason.NEAR_DUPLICATE);
        assertThat(r.suspects().get(1).detail()).startsWith("near duplicate of document 10");
        BitSet flagged = r.flagged();
        assertThat(flagged.cardinality()).isEqualTo(2);
    }

    @Test
    void outliersByLengthAndCharacters(@TempDir Path dir) throws IOException {
        List<String> docs = tinyStories();
        Random rnd = new Random(3);
        StringBuilder junk = new StringBuilder();
        for (int k = 0; k < 400; k++) {
            junk.append((char) ('!' + rnd.nextInt(90)));
        }
        docs.add(500, junk.toString());
        ScreenReport r = CorpusScreen.screen(docs::forEach, ScreenSettings.defaults());
        assertThat(r.suspects()).filteredOn(s -> s.document() == 500).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo(Suspect.Reason.OUTLIER));
        Path tsv = dir.resolve("screen.tsv");
        r.write(tsv);
        List<String> lines = Files.readAllLines(tsv);
        assertThat(lines.get(0)).startsWith("# screened " + String.format("%,d", docs.size()) + " documents");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("500\toutlier\t"));
        assertThat(lines).hasSize(2 + r.suspects().size());
    }
}
