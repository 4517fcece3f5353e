package jllm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The loss curve of a run: one row per step (training loss, learning rate, gradient norm, speed) and the
 * validation losses, written as CSV and drawn as an SVG picture. A resumed run reads the rows up to its
 * checkpoint back and continues the same files.
 */
public final class LossLog implements ProgressListener {
    /** One step's row; valLoss is NaN when there was no validation at that step. */
    public record Row(int step, float lr, double trainLoss, double valLoss, float gradNorm, double tokensPerSecond) {
    }

    private final List<Row> rows = new ArrayList<>();

    /** Rows so far. */
    public List<Row> rows() {
        return rows;
    }

    @Override
    public void onStep(Step s) {
        rows.add(new Row(s.step(), s.lr(), s.loss(), Double.NaN, s.gradNorm(), s.tokensPerSecond()));
    }

    @Override
    public void onEval(Eval e) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (rows.get(i).step() == e.step()) {
                Row r = rows.get(i);
                rows.set(i, new Row(r.step(), r.lr(), r.trainLoss(), e.valLoss(), r.gradNorm(), r.tokensPerSecond()));
                return;
            }
        }
        rows.add(new Row(e.step(), Float.NaN, Double.NaN, e.valLoss(), Float.NaN, Double.NaN));
    }

    /** Reads a CSV written by {@link #writeCsv}, keeping rows up to {@code lastStep}. */
    public static LossLog readCsv(Path path, int lastStep) {
        LossLog log = new LossLog();
        if (!Files.exists(path)) {
            return log;
        }
        try {
            for (String line : Files.readAllLines(path)) {
                if (line.startsWith("step") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                Row r = new Row(Integer.parseInt(f[0]), parseF(f[1]), parseD(f[2]), parseD(f[3]), parseF(f[4]), parseD(f[5]));
                if (r.step() <= lastStep) {
                    log.rows.add(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
        }
        return log;
    }

    /** Writes step,lr,train_loss,val_loss,grad_norm,tokens_per_s (empty cells for missing values). */
    public void writeCsv(Path path) {
        StringBuilder sb = new StringBuilder("step,lr,train_loss,val_loss,grad_norm,tokens_per_s\n");
        for (Row r : rows) {
            sb.append(r.step()).append(',').append(fmt(r.lr())).append(',').append(fmt(r.trainLoss())).append(',')
                    .append(fmt(r.valLoss())).append(',').append(fmt(r.gradNorm())).append(',')
                    .append(Double.isNaN(r.tokensPerSecond()) ? "" : String.format(Locale.ROOT, "%.0f", r.tokensPerSecond()))
                    .append('\n');
        }
        write(path, sb.toString());
    }

    /** Draws training loss (line) and validation loss (dots and line) against steps. */
    public void writeSvg(Path path, String title) {
        writeSvg(path, title, "train loss", "validation loss");
    }

    /** Draws the rows' training values (line) and validation values (dots and line), labelled as given. */
    public void writeSvg(Path path, String title, String trainLabel, String valLabel) {
        int w = 800, h = 480, left = 60, right = 20, top = 40, bottom = 50;
        double maxStep = 1, lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (Row r : rows) {
            maxStep = Math.max(maxStep, r.step());
            for (double v : new double[]{r.trainLoss(), r.valLoss()}) {
                if (!Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        }
        double pad = Math.max(1e-3, (hi - lo) * 0.05);
        lo -= pad;
        hi += pad;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\">%s</text>%n", left, escape(title)));
        // axes with 5 ticks each
        sb.append(String.format(Locale.ROOT, "<path d=\"M%d %d V%d H%d\" stroke=\"black\" fill=\"none\"/>%n", left, top, h - bottom, w - right));
        for (int i = 0; i <= 5; i++) {
            double y = top + (h - top - bottom) * i / 5.0;
            double v = hi - (hi - lo) * i / 5.0;
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n", left - 6, y + 4, v));
            double x = left + (w - left - right) * i / 5.0;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, h - bottom + 18,
                    Math.round(maxStep * i / 5.0)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">step</text>%n", (w + left) / 2, h - 10));
        StringBuilder train = new StringBuilder();
        StringBuilder val = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (Row r : rows) {
            double x = left + (w - left - right) * r.step() / maxStep;
            if (!Double.isNaN(r.trainLoss())) {
                train.append(train.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, yOf(r.trainLoss(), lo, hi, top, h - bottom)));
            }
            if (!Double.isNaN(r.valLoss())) {
                double y = yOf(r.valLoss(), lo, hi, top, h - bottom);
                val.append(val.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#d62728\"/>%n", x, y));
            }
        }
        sb.append("<path d=\"").append(train).append("\" stroke=\"#1f77b4\" stroke-width=\"1\" fill=\"none\" opacity=\"0.7\"/>\n");
        sb.append("<path d=\"").append(val).append("\" stroke=\"#d62728\" stroke-width=\"2\" fill=\"none\"/>\n").append(dots);
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#1f77b4\">%s</text>%n", w - 180, top + 10, escape(trainLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#d62728\">%s</text>%n", w - 180, top + 26, escape(valLabel)));
        sb.append("</svg>\n");
        write(path, sb.toString());
    }

    private static double yOf(double v, double lo, double hi, int top, int bottom) {
        return bottom - (v - lo) / (hi - lo) * (bottom - top);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static float parseF(String s) {
        return s.isEmpty() ? Float.NaN : Float.parseFloat(s);
    }

    private static double parseD(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    private static void write(Path path, String s) {
        try {
            Files.writeString(path, s);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path + ": " + e.getMessage(), e);
        }
    }
}
