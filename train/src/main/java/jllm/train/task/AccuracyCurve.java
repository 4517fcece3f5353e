package jllm.train.task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws accuracy against samples per question (1, 2, 4, ... n on a log scale) for each cell of an
 * {@link ArithmeticEval} run with a vote or best-of-n, and for all cells together; the x axis also
 * gives the mean tokens generated per question at each sample count (samples × tokens per sample).
 */
public final class AccuracyCurve {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf"};

    private AccuracyCurve() {
    }

    /** Writes the picture; {@code samples} is the n the cells were run with. */
    public static void writeSvg(Path path, String title, List<ArithmeticEval.Cell> cells, int samples) {
        int[] ks = ArithmeticEval.Cell.sampleCounts(samples);
        int w = 800, h = 480, left = 60, right = 170, top = 40, bottom = 60;
        double span = Math.max(1, Math.log(ks[ks.length - 1]) / Math.log(2));
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
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\">%s</text>%n", left, escape(title)));
        sb.append(String.format(Locale.ROOT, "<path d=\"M%d %d V%d H%d\" stroke=\"black\" fill=\"none\"/>%n", left, top, h - bottom, w - right));
        for (int i = 0; i <= 5; i++) {
            double y = top + (h - top - bottom) * i / 5.0;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n", left - 6, y + 4, 1 - i / 5.0));
        }
        for (int k : ks) {
            double x = xOf(k, span, left, w - right);
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, h - bottom + 16, k));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">%.0f</text>%n", x,
                    h - bottom + 30, k * tokensPerSample));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">samples per question (grey: tokens "
                + "per question)</text>%n", (w - right + left) / 2, h - 12));
        for (int ci = 0; ci <= cells.size(); ci++) {
            boolean all = ci == cells.size();
            String color = all ? "black" : COLORS[ci % COLORS.length];
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < ks.length; i++) {
                int right0 = 0, n = 0;
                for (int j = 0; j < cells.size(); j++) {
                    if (all || j == ci) {
                        right0 += cells.get(j).correctAt()[i];
                        n += cells.get(j).questions();
                    }
                }
                double acc = n == 0 ? 0 : (double) right0 / n;
                double x = xOf(ks[i], span, left, w - right);
                double y = top + (h - top - bottom) * (1 - acc);
                line.append(line.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, color));
            }
            sb.append(String.format(Locale.ROOT, "<path d=\"%s\" stroke=\"%s\" stroke-width=\"%d\" fill=\"none\"/>%n", line, color, all ? 3 : 1));
            String label = all ? "all" : cells.get(ci).op().name().toLowerCase(Locale.ROOT) + " " + cells.get(ci).digits() + " digits";
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", w - right + 12, top + 10 + 16 * ci, color, label));
        }
        sb.append("</svg>\n");
        write(path, sb.toString());
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
        int w = 800, h = 480, left = 60, right = 220, top = 40, bottom = 60;
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
        // the axis spans whole powers of two around the data
        double x0 = Math.floor(Math.log(lo) / Math.log(2)), x1 = Math.max(x0 + 1, Math.ceil(Math.log(hi) / Math.log(2)));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\">%s</text>%n", left, escape(title)));
        sb.append(String.format(Locale.ROOT, "<path d=\"M%d %d V%d H%d\" stroke=\"black\" fill=\"none\"/>%n", left, top, h - bottom, w - right));
        for (int i = 0; i <= 5; i++) {
            double y = top + (h - top - bottom) * i / 5.0;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n", left - 6, y + 4, 1 - i / 5.0));
        }
        for (double e = x0; e <= x1; e++) {
            double x = left + 20 + (w - right - left - 40) * (e - x0) / (x1 - x0);
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n", x, h - bottom + 16, Math.pow(2, e)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">tokens generated per question</text>%n",
                (w - right + left) / 2, h - 24));
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            String color = COLORS[si % COLORS.length];
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < s.accuracy().length; i++) {
                double x = left + 20 + (w - right - left - 40) * (Math.log(s.tokensPerQuestion()[i]) / Math.log(2) - x0) / (x1 - x0);
                double y = top + (h - top - bottom) * (1 - s.accuracy()[i]);
                line.append(line.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, color));
            }
            sb.append(String.format(Locale.ROOT, "<path d=\"%s\" stroke=\"%s\" stroke-width=\"2\" fill=\"none\"/>%n", line, color));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", w - right + 12, top + 10 + 16 * si,
                    color, escape(s.name())));
        }
        sb.append("</svg>\n");
        write(path, sb.toString());
    }

    private static void write(Path path, String svg) {
        try {
            Files.writeString(path, svg);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path + ": " + e.getMessage(), e);
        }
    }

    private static double xOf(int k, double span, int x0, int x1) {
        return x0 + 20 + (x1 - x0 - 40) * (Math.log(k) / Math.log(2)) / span;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
