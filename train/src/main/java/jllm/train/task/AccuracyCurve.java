package jllm.train.task;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import jllm.train.plot.Chart;

/**
 * Draws accuracy against samples per question (1, 2, 4, ... n on a log scale) for each cell of an
 * {@link ArithmeticEval} run with a vote or best-of-n, and for all cells together; the x axis also
 * gives the mean tokens generated per question at each sample count (samples × tokens per sample).
 */
public final class AccuracyCurve {
    private AccuracyCurve() {
    }

    /** Writes the picture; {@code samples} is the n the cells were run with. */
    public static void writeSvg(Path path, String title, List<ArithmeticEval.Cell> cells, int samples) {
        int[] ks = ArithmeticEval.Cell.sampleCounts(samples);
        long tokens = 0;
        int questions = 0;
        for (ArithmeticEval.Cell c : cells) {
            if (c.correctAt().length != ks.length) {
                throw new IllegalArgumentException("the cells were not run with " + samples + " samples and a vote or best-of-n");
            }
            tokens += c.tokens();
            questions += c.questions();
        }
        double tokensPerSample = questions == 0 ? 0 : (double) tokens / questions / samples;
        double[] xs = new double[ks.length];
        String[] labels = new String[ks.length];
        for (int i = 0; i < ks.length; i++) {
            xs[i] = ks[i];
            labels[i] = String.format(Locale.ROOT, "%d (%.0f)", ks[i], ks[i] * tokensPerSample);
        }
        Chart chart = new Chart(title, "samples per question (tokens per question)", Chart.Scale.LOG, "accuracy", Chart.Scale.LINEAR)
                .xRange(Math.max(0.8, ks[0] / 1.25), ks[ks.length - 1] * 1.25).xTicks(xs, labels).yRange(0, 1);
        for (int ci = 0; ci <= cells.size(); ci++) {
            boolean all = ci == cells.size();
            double[] acc = new double[ks.length];
            for (int i = 0; i < ks.length; i++) {
                int right = 0, n = 0;
                for (int j = 0; j < cells.size(); j++) {
                    if (all || j == ci) {
                        right += cells.get(j).correctAt()[i];
                        n += cells.get(j).questions();
                    }
                }
                acc[i] = n == 0 ? 0 : (double) right / n;
            }
            String label = all ? "all" : cells.get(ci).op().name().toLowerCase(Locale.ROOT) + " " + cells.get(ci).digits() + " digits";
            chart.line(Chart.Series.of(label, xs, acc).color(all ? "black" : Chart.COLORS.get(ci % Chart.COLORS.size()))
                    .width(all ? 3 : 1).dots(3));
        }
        chart.write(path);
    }
}
