package jllm.train.screen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Screens a training corpus for poisoning before it is trained on: exact and near duplicates (MinHash
 * with LSH banding), planted triggers (a phrase of 2 or 3 words that recurs across many documents, yet in
 * few enough to be no idiom of the corpus, followed by the same words nearly every time, words that
 * nearly never occur without it: a continuation the corpus's own grammar predicts from other phrases
 * too is no trigger), and
 * statistical outliers (length, share of non-letters, mean word length far from the median).
 *
 * <p>The corpus is read four times through {@link Source} and never held in memory: per document the
 * screen keeps a 64-int signature and three numbers; phrases are counted in a count-min sketch first, so
 * only phrases that may recur in enough documents are counted exactly.
 *
 * <pre>{@code
 * ScreenReport r = CorpusScreen.screen(sink -> Documents.read(path, Split.PARAGRAPH, sink), ScreenSettings.defaults());
 * }</pre>
 */
public final class CorpusScreen {
    private static final int[] GRAMS = {2, 3};
    private static final int EXCERPT = 80;
    /** Punctuation of ordinary prose; other symbols count towards a document's share of symbols. */
    private static final String COMMON_PUNCTUATION = ".,;:!?'\"-()\u2018\u2019\u201c\u201d\u2013\u2014\u2026";

    /** A corpus that can be read several times, in the same order each time. */
    @FunctionalInterface
    public interface Source {
        void forEach(Consumer<String> document);
    }

    private CorpusScreen() {
    }

    public static ScreenReport screen(Source corpus, ScreenSettings settings) {
        return new CorpusScreen.Run(settings).run(corpus);
    }

    private static final class Run {
        final ScreenSettings settings;
        final Map<Integer, Finding> findings = new HashMap<>();
        final CountMin sketch = new CountMin(1 << 21, 4);
        final Map<Long, Phrase> phrases = new HashMap<>();
        float[] logChars = new float[1024];
        float[] other = new float[1024];
        float[] wordLength = new float[1024];
        int documents;
        int kept;

        Run(ScreenSettings settings) {
            this.settings = settings;
        }

        ScreenReport run(Source corpus) {
            duplicates(corpus);
            triggers(corpus);
            outliers();
            List<Suspect> suspects = new ArrayList<>();
            int[] n = {0};
            corpus.forEach(doc -> {
                int i = n[0]++;
                Finding f = findings.get(i);
                if (f != null) {
                    String ex = doc.length() > EXCERPT ? doc.substring(0, EXCERPT) + "..." : doc;
                    suspects.add(new Suspect(i, f.reason(), f.why(), ex));
                }
            });
            if (n[0] != documents) {
                throw new IllegalStateException("the corpus changed while it was screened: " + documents + " then " + n[0] + " documents");
            }
            return new ScreenReport(documents, suspects);
        }

        private void flag(int doc, Suspect.Reason reason, String why) {
            findings.putIfAbsent(doc, new Finding(reason, why));
        }

        /** Pass 1: exact and near duplicates, features, and the sketch of phrase document counts. */
        private void duplicates(Source corpus) {
            Map<Long, Integer> exact = new HashMap<>();
            List<Map<Long, Integer>> bands = new ArrayList<>();
            for (int b = 0; b < MinHash.BANDS; b++) {
                bands.add(new HashMap<>());
            }
            Map<Integer, long[]> signatures = new HashMap<>();
            corpus.forEach(doc -> {
                int i = documents++;
                if (i == Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("the corpus has more than 2^31 documents; screen it in parts");
                }
                Words w = Words.of(doc);
                features(i, doc, w);
                long whole = w.size == 0 ? 0 : w.gram(0, w.size);
                Integer first = exact.putIfAbsent(whole, i);
                if (first != null) {
                    flag(i, Suspect.Reason.EXACT_DUPLICATE, "the same words as document " + first);
                    return;
                }
                long[] sig = MinHash.signature(w);
                for (int b = 0; b < MinHash.BANDS; b++) {
                    Integer j = bands.get(b).get(MinHash.band(sig, b));
                    if (j != null) {
                        double s = MinHash.similarity(sig, signatures.get(j));
                        if (s >= settings.nearDuplicate()) {
                            flag(i, Suspect.Reason.NEAR_DUPLICATE, String.format("near duplicate of document %d (estimated Jaccard %.2f)", j, s));
                            return;
                        }
                    }
                }
                for (int b = 0; b < MinHash.BANDS; b++) {
                    bands.get(b).putIfAbsent(MinHash.band(sig, b), i);
                }
                signatures.put(i, sig);
                kept++;
                for (long g : distinctGrams(w)) {
                    sketch.add(g);
                }
            });
        }

        /** The distinct phrase hashes of a document that have a continuation after them. */
        private long[] distinctGrams(Words w) {
            int m = settings.continuation();
            long[] g = new long[Math.max(0, GRAMS.length * w.size)];
            int k = 0;
            for (int n : GRAMS) {
                for (int j = 0; j + n + m <= w.size; j++) {
                    g[k++] = w.gram(j, n);
                }
            }
            long[] d = Arrays.copyOf(g, k);
            Arrays.sort(d);
            int u = 0;
            for (int j = 0; j < d.length; j++) {
                if (j == 0 || d[j] != d[j - 1]) {
                    d[u++] = d[j];
                }
            }
            return Arrays.copyOf(d, u);
        }

        /** Passes 2 and 3: exact counts of the phrases the sketch lets through, then their continuations. */
        private void triggers(Source corpus) {
            int minDocs = (int) Math.max(settings.triggerMinDocs(), Math.ceil(settings.triggerMinShare() * kept));
            int maxDocs = (int) Math.floor(settings.triggerMaxShare() * kept);
            if (minDocs > maxDocs) {
                return;
            }
            int m = settings.continuation();
            // pass 2: document counts and the majority continuation (Boyer-Moore) of likely phrases
            scan(corpus, (i, doc, w) -> {
                for (long g : distinctGrams(w)) {
                    if (sketch.estimate(g) >= minDocs) {
                        phrases.computeIfAbsent(g, x -> new Phrase()).documents++;
                    }
                }
                for (int n : GRAMS) {
                    for (int j = 0; j + n + m <= w.size; j++) {
                        Phrase p = phrases.get(w.gram(j, n));
                        if (p != null) {
                            p.vote(w.gram(j + n, m));
                        }
                    }
                }
            });
            phrases.values().removeIf(p -> p.documents < minDocs || p.documents > maxDocs);
            if (phrases.isEmpty()) {
                return;
            }
            // pass 3: how often the majority continuation really follows, in which documents, and how often
            // those words occur anywhere (a trigger's continuation is its own: it rarely occurs without it)
            Map<Long, int[]> anywhere = new HashMap<>();
            for (Phrase p : phrases.values()) {
                anywhere.put(p.candidate, new int[1]);
            }
            scan(corpus, (i, doc, w) -> {
                for (int j = 0; j + m <= w.size; j++) {
                    int[] count = anywhere.get(w.gram(j, m));
                    if (count != null) {
                        count[0]++;
                    }
                }
                for (int n : GRAMS) {
                    for (int j = 0; j + n + m <= w.size; j++) {
                        Phrase p = phrases.get(w.gram(j, n));
                        if (p != null) {
                            p.occurrences++;
                            if (w.gram(j + n, m) == p.candidate) {
                                p.followed++;
                                if (p.docs.isEmpty() || p.docs.get(p.docs.size() - 1) != i) {
                                    p.docs.add(i);
                                }
                                if (p.text == null) {
                                    p.text = "\"" + w.text(doc, j, j + n) + "\" followed by \"" + w.text(doc, j + n, j + n + m) + "\"";
                                }
                            }
                        }
                    }
                }
            });
            List<Phrase> found = new ArrayList<>();
            for (Phrase p : phrases.values()) {
                if (p.docs.size() >= minDocs && p.followed >= settings.triggerConsistency() * p.occurrences
                        && p.followed >= settings.triggerConsistency() * anywhere.get(p.candidate)[0]) {
                    found.add(p);
                }
            }
            found.sort((a, b) -> Integer.compare(b.docs.size(), a.docs.size()));
            for (Phrase p : found) {
                String why = p.text + " in " + p.docs.size() + " documents (" + Math.round(100.0 * p.followed / p.occurrences)
                        + "% of its " + p.occurrences + " occurrences)";
                for (int d : p.docs) {
                    flag(d, Suspect.Reason.TRIGGER, why);
                }
            }
        }

        private interface Visit {
            void accept(int doc, String text, Words words);
        }

        /** Reads the corpus again, visiting the documents not already flagged as duplicates. */
        private void scan(Source corpus, Visit visit) {
            int[] n = {0};
            corpus.forEach(doc -> {
                int i = n[0]++;
                Finding f = findings.get(i);
                if (f != null && (f.reason() == Suspect.Reason.EXACT_DUPLICATE || f.reason() == Suspect.Reason.NEAR_DUPLICATE)) {
                    return;
                }
                visit.accept(i, doc, Words.of(doc));
            });
        }

        private void features(int i, String doc, Words w) {
            if (i == logChars.length) {
                logChars = Arrays.copyOf(logChars, i * 2);
                other = Arrays.copyOf(other, i * 2);
                wordLength = Arrays.copyOf(wordLength, i * 2);
            }
            int plain = 0;
            int visible = 0;
            for (int k = 0; k < doc.length(); k++) {
                char c = doc.charAt(k);
                if (!Character.isWhitespace(c)) {
                    visible++;
                    if (Character.isLetterOrDigit(c) || COMMON_PUNCTUATION.indexOf(c) >= 0) {
                        plain++;
                    }
                }
            }
            logChars[i] = (float) Math.log(1 + doc.length());
            other[i] = visible == 0 ? 0 : 1 - plain / (float) visible;
            wordLength[i] = w.size == 0 ? 0 : visible / (float) w.size;
        }

        /**
         * Documents far from the median in length, share of symbols (characters other than letters, digits
         * and prose punctuation) or mean word length. The spread is the MAD, but at least a floor per
         * feature, so a corpus where nearly every document has no symbols does not flag the first one.
         */
        private void outliers() {
            String[] names = {"length", "share of symbols", "mean word length"};
            float[][] all = {logChars, other, wordLength};
            double[] floors = {0.1, 0.02, 0.25};
            for (int f = 0; f < all.length; f++) {
                float[] x = Arrays.copyOf(all[f], documents);
                float[] sorted = x.clone();
                Arrays.sort(sorted);
                float median = median(sorted);
                float[] dev = new float[documents];
                for (int i = 0; i < documents; i++) {
                    dev[i] = Math.abs(x[i] - median);
                }
                Arrays.sort(dev);
                double scale = Math.max(1.4826 * median(dev), floors[f]);
                for (int i = 0; i < documents; i++) {
                    double z = (x[i] - median) / scale;
                    if (Math.abs(z) > settings.outlierZ()) {
                        flag(i, Suspect.Reason.OUTLIER, String.format("%s %.1f robust standard deviations %s the median", names[f],
                                Math.abs(z), z > 0 ? "above" : "below"));
                    }
                }
            }
        }

        private static float median(float[] sorted) {
            if (sorted.length == 0) {
                return 0;
            }
            int h = sorted.length / 2;
            return sorted.length % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
        }
    }

    /** Why a document is flagged: the first test that flagged it. */
    private record Finding(Suspect.Reason reason, String why) {
    }

    /** A phrase's counts: documents, occurrences, and its majority continuation. */
    private static final class Phrase {
        int documents;
        long candidate;
        int votes;
        int occurrences;
        int followed;
        String text;
        final List<Integer> docs = new ArrayList<>();

        void vote(long continuation) {
            if (votes == 0) {
                candidate = continuation;
                votes = 1;
            } else if (candidate == continuation) {
                votes++;
            } else {
                votes--;
            }
        }
    }

    /** A count-min sketch: counts never under-estimated, so a filter on it loses no phrase. */
    static final class CountMin {
        private final int[][] rows;
        private final int mask;

        CountMin(int width, int depth) {
            if (Integer.bitCount(width) != 1) {
                throw new IllegalArgumentException("width must be a power of two: " + width);
            }
            rows = new int[depth][width];
            mask = width - 1;
        }

        void add(long key) {
            for (int r = 0; r < rows.length; r++) {
                int k = (int) Words.mix(key + r * 0x9e3779b97f4a7c15L) & mask;
                if (rows[r][k] != Integer.MAX_VALUE) {
                    rows[r][k]++;
                }
            }
        }

        int estimate(long key) {
            int min = Integer.MAX_VALUE;
            for (int r = 0; r < rows.length; r++) {
                min = Math.min(min, rows[r][(int) Words.mix(key + r * 0x9e3779b97f4a7c15L) & mask]);
            }
            return min;
        }
    }
}
