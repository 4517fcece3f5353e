package jllm.generate;

import java.util.List;

/**
 * Streams generated text while watching for stop strings: text that could still turn out to be the
 * start of a stop string is held back until it cannot, so a stop string is never printed.
 */
public final class StopStrings {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Adds generated text; returns the text that is now safe to emit (possibly empty). After a stop
     * string is seen, returns the text before it and {@link #stopped()} becomes true.
     */
    public String add(String text) {
        if (stopped) {
            return "";
        }
        pending.append(text);
        int cut = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (cut < 0 || i < cut)) {
                cut = i;
            }
        }
        if (cut >= 0) {
            stopped = true;
            String out = pending.substring(0, cut);
            pending.setLength(0);
            return out;
        }
        // hold back the longest suffix that is a proper prefix of some stop string
        int hold = 0;
        String buffered = pending.toString();
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, pending.length()); k > hold; k--) {
                if (buffered.regionMatches(buffered.length() - k, s, 0, k)) {
                    hold = k;
                    break;
                }
            }
        }
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    /** Whether a stop string was seen. */
    public boolean stopped() {
        return stopped;
    }

    /** Text still held back (emit it when generation ends for another reason). */
    public String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }
}
