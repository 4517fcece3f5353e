package jllm.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

import jllm.hub.HfHub;
import jllm.hub.HfName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm pull hf:OWNER/REPO[:QUANT|/FILE]}: downloads a model into the Hugging Face cache and prints its
 * path; every command that takes a model then accepts the same name.
 */
@Command(name = "pull", description = {"Download a model from Hugging Face into its cache (shared with Python tools); prints its path.",
        "hf:OWNER/REPO:QUANT picks the repository's GGUF of that quant, hf:OWNER/REPO/FILE one file, hf:OWNER/REPO its "
                + "safetensors folder (or its only GGUF). HF_TOKEN: access token for gated models; HF_ENDPOINT: another hub; "
                + "HF_HOME or HF_HUB_CACHE: where the cache is."})
final class PullCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "hf:OWNER/REPO[:QUANT|/FILE]")
    String name;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        HfName n = HfName.parse(name);
        HfHub hub = new HfHub(HfHub.Options.fromEnvironment(System.getenv()));
        long t0 = System.nanoTime();
        boolean terminal = System.console() != null && System.console().isTerminal();
        HfHub.Pulled p = hub.pull(n, terminal ? new Bar(System.err) : new Lines(System.err));
        double s = (System.nanoTime() - t0) / 1e9;
        if (p.alreadyCached()) {
            System.err.println("jllm pull: " + n + " is in the cache already (no download; jllm rm " + n + " to fetch it again)");
        } else {
            System.err.printf(Locale.ROOT, "jllm pull: %s: %s downloaded in %.1f s%n", n, size(p.downloadedBytes()), s);
        }
        Console.out().println(p.path());
        return 0;
    }

    static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }

    /** Plain lines for a log: one when a file starts, one when it is verified. */
    private record Lines(PrintStream err) implements HfHub.Progress {
        @Override
        public void started(String file, long done, long total) {
            err.println("jllm pull: " + file + " (" + size(total) + (done > 0 ? ", resuming at " + size(done) : "") + ")");
        }

        @Override
        public void finished(String file, long total, boolean downloaded) {
            err.println("jllm pull: " + file + (downloaded ? ": sha256 verified" : ": in the cache already"));
        }
    }

    /** A bar redrawn in place on a terminal, at most ten times a second. */
    private static final class Bar implements HfHub.Progress {
        private final PrintStream err;
        private long lastDraw;
        private long startNanos;
        private long startBytes;

        Bar(PrintStream err) {
            this.err = err;
        }

        @Override
        public void started(String file, long done, long total) {
            startNanos = System.nanoTime();
            startBytes = done;
            draw(file, done, total);
        }

        @Override
        public void advanced(String file, long done, long total) {
            long now = System.nanoTime();
            if (now - lastDraw > 100_000_000L || done == total) {
                lastDraw = now;
                draw(file, done, total);
            }
        }

        @Override
        public void finished(String file, long total, boolean downloaded) {
            err.print("\r\033[K");
            err.println(file + " " + size(total) + (downloaded ? ", sha256 verified" : ", in the cache already"));
        }

        private void draw(String file, long done, long total) {
            int width = 30;
            int filled = total > 0 ? (int) Math.min(width, done * width / total) : 0;
            double secs = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
            String speed = size((long) ((done - startBytes) / secs)) + "/s";
            err.printf(Locale.ROOT, "\r\033[K%s [%s%s] %3d%% %s/%s %s", file, "#".repeat(filled), " ".repeat(width - filled),
                    total > 0 ? done * 100 / total : 0, size(done), size(total), speed);
            err.flush();
        }
    }
}
