package jllm.train.guard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well a guard separates attacks from benign texts: at its threshold, precision, recall (of
 * attacks flagged) and the false-positive rate (of benign texts flagged); and, threshold-free, the recall
 * at the threshold that flags at most 1% of these benign texts. Per source too: recall and recall at 1%
 * FPR of each attack source, false positives of each benign source.
 *
 * @param attacks              attack texts
 * @param benign               benign texts
 * @param precision            flagged texts that are attacks (1 when none is flagged)
 * @param recall               attacks flagged
 * @param falsePositiveRate    benign texts flagged
 * @param recallAt1PercentFpr  attacks scoring above the threshold that flags at most 1% of the benign texts
 * @param recallBySource       recall per attack source
 * @param recallAt1PercentFprBySource recall at 1% FPR (of all benign texts) per attack source
 * @param falsePositivesBySource      false-positive rate per benign source
 */
public record GuardMetrics(int attacks, int benign, double precision, double recall, double falsePositiveRate,
                           double recallAt1PercentFpr, Map<String, Double> recallBySource,
                           Map<String, Double> recallAt1PercentFprBySource, Map<String, Double> falsePositivesBySource) {

    /** Scores {@code examples} with {@code guard} and measures at its threshold. */
    public static GuardMetrics measure(GuardModel guard, List<GuardExample> examples) {
        float[] scores = new float[examples.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = guard.score(examples.get(i).text());
        }
        return of(examples, scores, guard.threshold());
    }

    /** The metrics of {@code scores} (P(attack), one per example) at {@code threshold}. */
    public static GuardMetrics of(List<GuardExample> examples, float[] scores, float threshold) {
        int tp = 0;
        int fp = 0;
        int attacks = 0;
        List<Float> benignScores = new ArrayList<>();
        Map<String, int[]> bySource = new LinkedHashMap<>(); // attack source -> {flagged, total}
        Map<String, int[]> benignBySource = new LinkedHashMap<>(); // benign source -> {flagged, total}
        for (int i = 0; i < scores.length; i++) {
            GuardExample e = examples.get(i);
            boolean flagged = scores[i] > threshold;
            if (e.attack()) {
                attacks++;
                tp += flagged ? 1 : 0;
                int[] c = bySource.computeIfAbsent(e.source(), k -> new int[2]);
                c[0] += flagged ? 1 : 0;
                c[1]++;
            } else {
                fp += flagged ? 1 : 0;
                benignScores.add(scores[i]);
                int[] c = benignBySource.computeIfAbsent(e.source(), k -> new int[2]);
                c[0] += flagged ? 1 : 0;
                c[1]++;
            }
        }
        int benign = benignScores.size();
        double recallAt1 = Double.NaN;
        Map<String, Double> recallAt1BySource = new LinkedHashMap<>();
        if (benign > 0 && attacks > 0) {
            float t1 = thresholdAtFalsePositiveRate(benignScores, 0.01);
            int hit = 0;
            Map<String, Integer> hits = new LinkedHashMap<>();
            for (int i = 0; i < scores.length; i++) {
                if (examples.get(i).attack() && scores[i] > t1) {
                    hit++;
                    hits.merge(examples.get(i).source(), 1, Integer::sum);
                }
            }
            recallAt1 = (double) hit / attacks;
            bySource.forEach((k, c) -> recallAt1BySource.put(k, (double) hits.getOrDefault(k, 0) / c[1]));
        }
        Map<String, Double> recallBySource = new LinkedHashMap<>();
        bySource.forEach((k, c) -> recallBySource.put(k, (double) c[0] / c[1]));
        Map<String, Double> falsePositivesBySource = new LinkedHashMap<>();
        benignBySource.forEach((k, c) -> falsePositivesBySource.put(k, (double) c[0] / c[1]));
        return new GuardMetrics(attacks, benign, tp + fp == 0 ? 1.0 : (double) tp / (tp + fp),
                attacks == 0 ? Double.NaN : (double) tp / attacks, benign == 0 ? Double.NaN : (double) fp / benign,
                recallAt1, recallBySource, recallAt1BySource, falsePositivesBySource);
    }

    /**
     * The lowest threshold {@code t} such that at most {@code rate} of {@code benignScores} are {@code > t}:
     * the (k+1)-th highest score, k = floor(rate · n).
     */
    public static float thresholdAtFalsePositiveRate(List<Float> benignScores, double rate) {
        List<Float> sorted = new ArrayList<>(benignScores);
        sorted.sort((a, b) -> Float.compare(b, a));
        int k = (int) Math.floor(rate * sorted.size() + 1e-9);
        return sorted.get(Math.min(k, sorted.size() - 1));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
                "%d attacks, %d benign: precision %.3f, recall %.3f, false positives %.3f, recall at 1%% FPR %.3f",
                attacks, benign, precision, recall, falsePositiveRate, recallAt1PercentFpr));
        recallBySource.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "; %s recall %.3f (at 1%% FPR %.3f)",
                k, v, recallAt1PercentFprBySource.getOrDefault(k, Double.NaN))));
        falsePositivesBySource.forEach((k, v) -> sb.append(String.format(java.util.Locale.ROOT, "; %s false positives %.3f", k, v)));
        return sb.toString();
    }
}
