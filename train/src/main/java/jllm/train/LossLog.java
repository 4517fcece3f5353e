package jllm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jllm.train.plot.Chart;

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
        double[] steps = rows.stream().mapToDouble(Row::step).toArray();
        Chart chart = new Chart(title, "step", Chart.Scale.LINEAR, "loss", Chart.Scale.LINEAR)
                .line(Chart.Series.of(trainLabel, steps, rows.stream().mapToDouble(Row::trainLoss).toArray())
                        .color("#1f77b4").width(1).opacity(0.7))
                .line(Chart.Series.of(valLabel, steps, rows.stream().mapToDouble(Row::valLoss).toArray())
                        .color("#d62728").width(2).dots(3));
        double maxStep = Math.max(1, rows.stream().mapToInt(Row::step).max().orElse(1));
        chart.xRange(0, maxStep).write(path);
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
