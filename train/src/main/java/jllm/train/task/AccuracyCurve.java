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

    /**
     * One method's accuracy (all cells together) at growing compute: the tokens generated per question
     * and the fraction answered right, point by point.
     */
    public record Series(String name, double[] tokensPerQuestion, double[] accuracy) {
        public Series {
            if (tokensPerQuestion.length != accuracy.length || accuracy.length == 0) {
                throw new IllegalArgumentException("a series needs as many token counts as accuracies, and at least one: "
                        + tokensPerQuestion.length + " and " + accuracy.length);
            }
        }

        /**
         * The series of cells run with {@code samples} samples per question and a combining method (a
         * point per sample count, its tokens the mean tokens per sample times the count), or of cells with
         * one result each (one point).
         */
        public static Series of(String name, List<ArithmeticEval.Cell> cells, int samples) {
            int entries = cells.isEmpty() ? 0 : cells.getFirst().correctAt().length;
            int[] ks = entries == 1 ? new int[]{1} : ArithmeticEval.Cell.sampleCounts(samples);
            long tokens = 0;
            int questions = 0;
            int[] right = new int[ks.length];
            for (ArithmeticEval.Cell c : cells) {
                if (c.correctAt().length != ks.length) {
                    throw new IllegalArgumentException("the cells of " + name + " were not run with " + samples + " samples");
                }
                tokens += c.tokens();
                questions += c.questions();
                for (int i = 0; i < ks.length; i++) {
                    right[i] += c.correctAt()[i];
                }
            }
            double perSample = questions == 0 ? 0 : (double) tokens / questions / ks[ks.length - 1];
            double[] x = new double[ks.length], y = new double[ks.length];
            for (int i = 0; i < ks.length; i++) {
                x[i] = ks[i] * perSample;
                y[i] = questions == 0 ? 0 : (double) right[i] / questions;
            }
            return new Series(name, x, y);
        }
    }

    /** Draws each series' accuracy against tokens generated per question, on a log scale. */
    public static void writeTokensSvg(Path path, String title, List<Series> series) {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("nothing to draw");
        }
        double lo = Double.MAX_VALUE, hi = 0;
        for (Series s : series) {
            for (double t : s.tokensPerQuestion()) {
                if (!(t > 0)) {
                    throw new IllegalArgumentException(s.name() + " has a point at " + t + " tokens; a log axis needs positive counts");
                }
                lo = Math.min(lo, t);
                hi = Math.max(hi, t);
            }
        }
        // the axis spans whole powers of two around the data, a tick at each
        int e0 = (int) Math.floor(Math.log(lo) / Math.log(2)), e1 = Math.max(e0 + 1, (int) Math.ceil(Math.log(hi) / Math.log(2)));
        double[] ticks = new double[e1 - e0 + 1];
        String[] labels = new String[ticks.length];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = Math.pow(2, e0 + i);
            labels[i] = String.format(Locale.ROOT, "%.0f", ticks[i]);
        }
        Chart chart = new Chart(title, "tokens generated per question", Chart.Scale.LOG, "accuracy", Chart.Scale.LINEAR)
                .xRange(ticks[0], ticks[ticks.length - 1]).xTicks(ticks, labels).yRange(0, 1);
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            chart.line(Chart.Series.of(s.name(), s.tokensPerQuestion(), s.accuracy())
                    .color(Chart.COLORS.get(si % Chart.COLORS.size())).width(2).dots(3));
        }
        chart.write(path);
    }
}
