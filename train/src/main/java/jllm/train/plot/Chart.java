package jllm.train.plot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An x-y line chart drawn as SVG by hand, the one plotting code of the training pictures (loss curves,
 * accuracy against samples, scaling laws): linear or log axes with ticks, lines with optional dots,
 * a legend on the right, and the title on top. The data range sets the axes unless given.
 *
 * <pre>{@code
 * new Chart("loss per step", "step", Chart.Scale.LINEAR, "loss", Chart.Scale.LINEAR)
 *         .line(Chart.Series.of("train", steps, losses).color("#1f77b4"))
 *         .write(Path.of("loss.svg"));
 * }</pre>
 */
public final class Chart {
    /** The default colours, in order (matplotlib's tab10). */
    public static final List<String> COLORS = List.of("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf");

    /** An axis scale. */
    public enum Scale { LINEAR, LOG }

    /**
     * One line: points joined in order (NaN values skipped), drawn in {@code color} at {@code width} (0: no
     * line), with dots of radius {@code dot} (0: none), dashed or not, labelled in the legend unless the label is empty.
     */
    public record Series(String label, double[] xs, double[] ys, String color, double width, double dot, boolean dash,
                         double opacity) {
        /** A solid line of width 1.5 without dots, in the next default colour. */
        public static Series of(String label, double[] xs, double[] ys) {
            if (xs.length != ys.length) {
                throw new IllegalArgumentException("series " + label + ": " + xs.length + " x values and " + ys.length + " y values");
            }
            return new Series(label, xs, ys, null, 1.5, 0, false, 1);
        }

        public Series named(String l) {
            return new Series(l, xs, ys, color, width, dot, dash, opacity);
        }

        public Series color(String c) {
            return new Series(label, xs, ys, c, width, dot, dash, opacity);
        }

        public Series width(double w) {
            return new Series(label, xs, ys, color, w, dot, dash, opacity);
        }

        public Series dots(double radius) {
            return new Series(label, xs, ys, color, width, radius, dash, opacity);
        }

        public Series dashed() {
            return new Series(label, xs, ys, color, width, dot, true, opacity);
        }

        public Series opacity(double o) {
            return new Series(label, xs, ys, color, width, dot, dash, o);
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Scale xScale;
    private final Scale yScale;
    private final List<Series> series = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private double[] xTicks;
    private String[] xTickLabels;
    private double[] xRange;
    private double[] yRange;
    private int width = 800;
    private int height = 480;
    private int legendWidth = 170;

    public Chart(String title, String xLabel, Scale xScale, String yLabel, Scale yScale) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.xScale = xScale;
        this.yScale = yScale;
    }

    /** Adds a line (a default colour when it has none). */
    public Chart line(Series s) {
        series.add(s.color() != null ? s : s.color(COLORS.get(series.size() % COLORS.size())));
        return this;
    }

    /** Fixes the x range instead of the data's. */
    public Chart xRange(double lo, double hi) {
        xRange = new double[]{lo, hi};
        return this;
    }

    /** Ticks at {@code values} with {@code labels} on the x axis instead of the scale's own. */
    public Chart xTicks(double[] values, String[] labels) {
        xTicks = values.clone();
        xTickLabels = labels.clone();
        return this;
    }

    /** Fixes the y range instead of the data's. */
    public Chart yRange(double lo, double hi) {
        yRange = new double[]{lo, hi};
        return this;
    }

    /** The picture's size in pixels and the legend's width (0: no legend column). */
    public Chart size(int w, int h, int legend) {
        width = w;
        height = h;
        legendWidth = legend;
        return this;
    }

    /** A line of text under the legend. */
    public Chart note(String text) {
        notes.add(text);
        return this;
    }

    private static final int LEFT = 70, TOP = 40, BOTTOM = 60, PAD_RIGHT = 20;

    /** The SVG document. */
    public String svg() {
        double[] xr = xRange != null ? xRange : range(true);
        double[] yr = yRange != null ? yRange : range(false);
        int x0 = LEFT, x1 = width - Math.max(PAD_RIGHT, legendWidth), y0 = height - BOTTOM, y1 = TOP;
        Axis xa = new Axis(xScale, xr[0], xr[1], x0, x1);
        Axis ya = new Axis(yScale, yr[0], yr[1], y0, y1);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", width, height));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\">%s</text>%n", LEFT, escape(title)));
        sb.append(String.format(Locale.ROOT, "<path d=\"M%d %d V%d H%d\" stroke=\"black\" fill=\"none\"/>%n", x0, y1, y0, x1));
        List<Double> xt = xTicks != null ? java.util.Arrays.stream(xTicks).boxed().toList() : xa.ticks();
        for (int i = 0; i < xt.size(); i++) {
            double x = xa.at(xt.get(i));
            String label = xTicks != null ? escape(xTickLabels[i]) : xa.label(xt.get(i));
            sb.append(String.format(Locale.ROOT, "<path d=\"M%.1f %d V%d\" stroke=\"#ddd\"/>%n", x, y0, y1));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, y0 + 18, label));
        }
        for (double t : ya.ticks()) {
            double y = ya.at(t);
            sb.append(String.format(Locale.ROOT, "<path d=\"M%d %.1f H%d\" stroke=\"#ddd\"/>%n", x0, y, x1));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0 - 6, y + 4, ya.label(t)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", (x0 + x1) / 2, height - 10,
                escape(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                (y0 + y1) / 2, escape(yLabel)));
        int legendRow = 0;
        for (Series s : series) {
            StringBuilder d = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < s.xs().length; i++) {
                double xv = s.xs()[i], yv = s.ys()[i];
                if (!xa.shows(xv) || !ya.shows(yv)) {
                    continue; // a missing value: the line joins its neighbours
                }
                double x = xa.at(xv), y = ya.at(yv);
                d.append(pen ? " L" : (d.isEmpty() ? "M" : " M")).append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                pen = true;
                if (s.dot() > 0) {
                    dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>%n", x, y, s.dot(), s.color()));
                }
            }
            if (s.width() > 0 && !d.isEmpty()) {
                sb.append(String.format(Locale.ROOT, "<path d=\"%s\" stroke=\"%s\" stroke-width=\"%.1f\" fill=\"none\"%s%s/>%n", d, s.color(),
                        s.width(), s.dash() ? " stroke-dasharray=\"5 4\"" : "",
                        s.opacity() < 1 ? String.format(Locale.ROOT, " opacity=\"%.2f\"", s.opacity()) : ""));
            }
            sb.append(dots);
            if (!s.label().isEmpty() && legendWidth > 0) {
                sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", x1 + 12, TOP + 10 + 16 * legendRow++,
                        s.color(), escape(s.label())));
            }
        }
        for (String n : notes) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#444\">%s</text>%n", x1 + 12, TOP + 10 + 16 * legendRow++,
                    escape(n)));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** Writes {@link #svg()} to {@code path}. */
    public void write(Path path) {
        try {
            Files.writeString(path, svg());
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path + ": " + e.getMessage(), e);
        }
    }

    /** Text made safe for SVG. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private double[] range(boolean x) {
        Scale scale = x ? xScale : yScale;
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : x ? s.xs() : s.ys()) {
                if (Double.isFinite(v) && (scale == Scale.LINEAR || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return scale == Scale.LOG ? new double[]{1, 10} : new double[]{0, 1};
        }
        if (scale == Scale.LOG) {
            double pad = Math.max(1.05, Math.pow(hi / lo, 0.04));
            return new double[]{lo / pad, hi * pad};
        }
        double pad = Math.max(1e-3, (hi - lo) * 0.05);
        return new double[]{lo - pad, hi + pad};
    }

    /** Maps values to pixels along one axis. */
    private record Axis(Scale scale, double lo, double hi, double p0, double p1) {
        double at(double v) {
            double f = scale == Scale.LOG ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
            return p0 + (p1 - p0) * f;
        }

        boolean shows(double v) {
            return Double.isFinite(v) && (scale == Scale.LINEAR || v > 0);
        }

        /** Five even steps on a linear axis; on a log axis 1, 2, 5 x powers of ten, sparser over many decades, denser within one. */
        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (scale == Scale.LINEAR) {
                for (int i = 0; i <= 5; i++) {
                    t.add(lo + (hi - lo) * i / 5);
                }
                return t;
            }
            double decades = Math.log10(hi / lo);
            double[] mantissas = decades > 4 ? new double[]{1} : decades > 1.5 ? new double[]{1, 3}
                    : decades > 0.7 ? new double[]{1, 2, 5} : new double[]{1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7, 8, 9};
            for (double p = Math.floor(Math.log10(lo)); p <= Math.ceil(Math.log10(hi)); p++) {
                for (double m : mantissas) {
                    double v = m * Math.pow(10, p);
                    if (v >= lo && v <= hi) {
                        t.add(v);
                    }
                }
            }
            return t;
        }

        String label(double v) {
            if (scale == Scale.LINEAR) {
                return Math.abs(hi - lo) >= 10 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
            }
            return si(v);
        }
    }

    /** 1500 as 1.5k, 2e6 as 2M, 3e18 as 3e18, 0.5 as 0.5. */
    public static String si(double v) {
        String[] suffix = {"", "k", "M", "G", "T"};
        int k = 0;
        double x = v;
        while (Math.abs(x) >= 1000 && k < suffix.length - 1) {
            x /= 1000;
            k++;
        }
        if (Math.abs(x) >= 1000) {
            return String.format(Locale.ROOT, "%.0e", v).replace("e+", "e");
        }
        return new BigDecimal(String.format(Locale.ROOT, "%.3g", x)).stripTrailingZeros().toPlainString() + suffix[k];
    }
}
