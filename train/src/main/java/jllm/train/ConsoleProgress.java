package jllm.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for a terminal: {@code [#####-----] 120/2000 loss 1.234 val 1.301 9.8k tok/s ETA 3m12s},
 * redrawn in place; validation losses also get a line of their own. Prints to the stream it is given.
 */
public final class ConsoleProgress implements ProgressListener {
    private final PrintStream out;
    private double lastVal = Double.NaN;

    public ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onStep(Step s) {
        int width = 24;
        int filled = (int) ((long) width * s.step() / Math.max(1, s.steps()));
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        out.printf(Locale.ROOT, "\r[%s] %d/%d loss %.4f%s %.1fk tok/s ETA %s   ", bar, s.step(), s.steps(), s.loss(),
                Double.isNaN(lastVal) ? "" : String.format(Locale.ROOT, " val %.4f", lastVal), s.tokensPerSecond() / 1000,
                duration(s.etaSeconds()));
        if (s.step() == s.steps()) {
            out.println();
        }
        out.flush();
    }

    @Override
    public void onEval(Eval e) {
        lastVal = e.valLoss();
        out.printf(Locale.ROOT, "%nstep %d: train loss %.4f, val loss %.4f%n", e.step(), e.trainLoss(), e.valLoss());
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
