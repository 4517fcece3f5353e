package jllm.train.screen;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the screen found: every suspect document with its reason, one per document (the first test that
 * flagged it: duplicates, then triggers, then outliers).
 *
 * @param documents how many documents were read
 * @param suspects  the flagged documents in reading order
 */
public record ScreenReport(long documents, List<Suspect> suspects) {

    public ScreenReport {
        suspects = List.copyOf(suspects);
    }

    /** The flagged documents' numbers, for dropping them. */
    public BitSet flagged() {
        BitSet b = new BitSet();
        for (Suspect s : suspects) {
            b.set(Math.toIntExact(s.document()));
        }
        return b;
    }

    /** Suspects per reason. */
    public Map<Suspect.Reason, Integer> counts() {
        Map<Suspect.Reason, Integer> m = new EnumMap<>(Suspect.Reason.class);
        for (Suspect.Reason r : Suspect.Reason.values()) {
            m.put(r, 0);
        }
        for (Suspect s : suspects) {
            m.merge(s.reason(), 1, Integer::sum);
        }
        return m;
    }

    /** One line: documents read and suspects per reason. */
    public String summary() {
        Map<Suspect.Reason, Integer> c = counts();
        return String.format("screened %,d documents: %,d suspect (%,d exact duplicates, %,d near duplicates, %,d with a trigger, %,d outliers)",
                documents, suspects.size(), c.get(Suspect.Reason.EXACT_DUPLICATE), c.get(Suspect.Reason.NEAR_DUPLICATE),
                c.get(Suspect.Reason.TRIGGER), c.get(Suspect.Reason.OUTLIER));
    }

    /** Writes the report as tab-separated lines: document, reason, detail, excerpt (tabs and newlines as spaces). */
    public void write(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("# " + summary() + "\n");
            w.write("document\treason\tdetail\texcerpt\n");
            for (Suspect s : suspects) {
                w.write(s.document() + "\t" + s.reason().name().toLowerCase(java.util.Locale.ROOT) + "\t" + flat(s.detail()) + "\t"
                        + flat(s.excerpt()) + "\n");
            }
        }
    }

    private static String flat(String s) {
        return s.replaceAll("[\\t\\r\\n]+", " ");
    }
}
