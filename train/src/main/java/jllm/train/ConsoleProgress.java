package jllm.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar for a terminal: {@code [#####-----] 120/2000 loss 1.234 val 1.301 9.8k tok/s ETA 3m12s}.
 * Every update is a whole line (so line-buffered filters such as the {@code jllm} launcher's pass it on at
 * once); on an ANSI terminal the next update moves the cursor back up and redraws it in place, elsewhere
 * (logs) updates are thinned to every 2% of the steps. Validation losses get lines of their own. Prints
 * to the stream it is given.
 */
public final class ConsoleProgress implements ProgressListener {
    private final PrintStream out;
    private final boolean ansi;
    private double lastVal = Double.NaN;
    private boolean barShown;

    /**
     * @param ansi redraw in place with ANSI cursor movement (for terminals)
     */
    public ConsoleProgress(PrintStream out, boolean ansi) {
        this.out = out;
        this.ansi = ansi;
    }

    /** A bar that redraws in place when a terminal is attached. */
    public ConsoleProgress(PrintStream out) {
        this(out, System.console() != null && System.console().isTerminal());
    }

    @Override
    public void onStep(Step s) {
        int every = Math.max(1, s.steps() / 50);
        if (!ansi && s.step() % every != 0 && s.step() != s.steps() && s.step() != 1) {
            return;
        }
        int width = 24;
        int filled = (int) ((long) width * s.step() / Math.max(1, s.steps()));
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String line = String.format(Locale.ROOT, "[%s] %d/%d loss %.4f%s %.1fk tok/s ETA %s", bar, s.step(), s.steps(),
                s.loss(), Double.isNaN(lastVal) ? "" : String.format(Locale.ROOT, " val %.4f", lastVal),
                s.tokensPerSecond() / 1000, duration(s.etaSeconds()));
        out.print(ansi && barShown ? "\033[1A\r" + line + "\033[K\n" : line + "\n");
        barShown = true;
        out.flush();
    }

    @Override
    public void onEval(Eval e) {
        lastVal = e.valLoss();
        out.printf(Locale.ROOT, "step %d: train loss %.4f, val loss %.4f%n", e.step(), e.trainLoss(), e.valLoss());
        barShown = false;
        out.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
