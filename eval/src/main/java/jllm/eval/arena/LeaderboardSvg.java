package jllm.eval.arena;

import java.util.Locale;

/**
 * The leaderboard as a picture: one line per model, a dot at its Bradley-Terry rating and a bar over
 * its 95% interval, or why it has no rating yet (too few votes, ...). Plain SVG 1.1 with no script;
 * model names are escaped.
 */
public final class LeaderboardSvg {
    private LeaderboardSvg() {
    }

    private static final int ROW = 28;
    private static final int LEFT = 190;
    private static final int PLOT = 440;
    private static final int TOP = 44;

    /** The picture of {@code board}; a short note when there are no votes yet. */
    public static String render(Leaderboard board, String title) {
        int n = board.rows().size();
        int height = TOP + Math.max(1, n) * ROW + 52;
        int width = LEFT + PLOT + 130;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">%n", width, height, width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                10, escape(title)));
        if (n == 0) {
            s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">no votes yet</text>%n", TOP + 14));
            return s.append("</svg>\n").toString();
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Leaderboard.Row r : board.rows()) {
            if (r.rated()) {
                lo = Math.min(lo, Math.min(r.lower(), r.rating()));
                hi = Math.max(hi, Math.max(r.upper(), r.rating()));
            }
        }
        if (lo > hi) { // nothing rated yet: an axis around the mean
            lo = 950;
            hi = 1050;
        }
        // round the axis out to 50 points, and never narrower than 100
        lo = Math.floor(lo / 50) * 50;
        hi = Math.ceil(hi / 50) * 50;
        if (hi - lo < 100) {
            double mid = (hi + lo) / 2;
            lo = Math.floor((mid - 50) / 50) * 50;
            hi = lo + 100;
        }
        int axisY = TOP + n * ROW + 6;
        for (double t = lo; t <= hi + 1e-9; t += tickStep(hi - lo)) {
            double x = x(t, lo, hi);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>%n",
                    x, TOP - 8, x, axisY));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%.0f</text>%n",
                    x, axisY + 16, t));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">"
                + "Bradley-Terry rating, 95%% bootstrap interval (shown from %d votes)</text>%n", LEFT + PLOT / 2, axisY + 32,
                Leaderboard.MIN_VOTES));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">votes</text>%n", LEFT + PLOT + 70, TOP - 12));
        for (int i = 0; i < n; i++) {
            Leaderboard.Row r = board.rows().get(i);
            int y = TOP + i * ROW + ROW / 2;
            if (!r.rated()) {
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#777\">%s</text>%n",
                        LEFT - 10, y + 4, escape(r.model())));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#777\">%s</text>%n", LEFT + 10, y + 4,
                        escape(r.unrated().orElseThrow())));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d</text>%n", LEFT + PLOT + 70, y + 4, r.votes()));
                continue;
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d. %s</text>%n",
                    LEFT - 10, y + 4, r.rank(), escape(r.model())));
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#3b6fd8\" "
                    + "stroke-width=\"3\"/>%n", x(r.lower(), lo, hi), y, x(r.upper(), lo, hi), y));
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"#d83b3b\"/>%n", x(r.rating(), lo, hi), y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.0f</text>%n", LEFT + PLOT + 10, y + 4, r.rating()));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d</text>%n", LEFT + PLOT + 70, y + 4, r.votes()));
        }
        return s.append("</svg>\n").toString();
    }

    private static double tickStep(double span) {
        return span <= 200 ? 25 : span <= 500 ? 50 : span <= 1000 ? 100 : span <= 2500 ? 250 : 500;
    }

    private static double x(double rating, double lo, double hi) {
        return LEFT + (rating - lo) / (hi - lo) * PLOT;
    }

    /** Text made safe inside SVG (XML) text and attributes. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }
}
