package jllm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.compress.ExternalCompressor;
import jllm.compress.Jz;
import jllm.compress.JzHeader;
import jllm.compress.ModelHash;
import jllm.compress.SurpriseMap;
import jllm.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm zip IN [-o OUT.jz]}: lossless compression by arithmetic coding with a model's
 * next-token probabilities; {@code --bench FILE...} compares with gzip, bzip2, xz and zstd.
 */
@Command(name = "zip", description = {"Compress a file losslessly with a model's predictions (arithmetic coding); "
        + "any file round-trips byte for byte with 'jllm unzip' and the same model.",
        "With --bench FILE...: a table of bits per byte and speed for jllm, gzip -9, bzip2 -9, xz -9 and zstd -19."})
final class ZipCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "File to compress (several with --bench).")
    List<Path> inputs;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "Model file (default: the built-in model).")
    Path model;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Output file (default: FILE.jz).")
    Path output;

    @Option(names = {"-f", "--force"}, description = "Overwrite the output file.")
    boolean force;

    @Option(names = "--stats", paramLabel = "HTML", description = "Write a page of the text coloured by how surprised the model was at each token.")
    Path stats;

    @Option(names = "--bench", description = "Compare with gzip -9, bzip2 -9, xz -9 and zstd -19 on every FILE (checks the round trip too).")
    boolean bench;

    @Option(names = "--chunk", paramLabel = "N", description = "Tokens per independent chunk (default: the model's context, at most 1024).")
    int chunk;

    @Option(names = "--lanes", paramLabel = "N", description = "Chunks run together in one batch (default: ${DEFAULT-VALUE}).")
    int lanes = Jz.Options.DEFAULT.lanes();

    @Option(names = "--engine", description = "Predict with the engine's kernels (for models over 300M parameters; the file unzips "
            + "only on the same kind of CPU) instead of the reproducible ones (F32, unzips anywhere).")
    boolean engine;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Compute threads (default: all cores); unzip may use another count.")
    int threads;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (lanes < 1 || lanes > 1024 || chunk < 0 || threads < 0) {
            throw new IllegalArgumentException("--lanes must be 1..1024, --chunk and --threads not negative");
        }
        if (!bench && inputs.size() != 1) {
            throw new IllegalArgumentException("give one file to compress (several only with --bench)");
        }
        InputFiles.checkAll(inputs, "a file to compress");
        Path modelPath = BuiltinModel.orDefault(model, BuiltinModel.AS_OPTION);
        byte[] sha = ModelHash.of(modelPath);
        try (LoadedModel m = LoadedModel.open(modelPath, new LoadedModel.Options(Optional.empty(), threads))) {
            if (bench) {
                bench(m, sha);
                return 0;
            }
            Path in = inputs.get(0);
            Path out = output != null ? output : Path.of(in + ".jz");
            refuseOverwrite(out, force);
            byte[] data = InputFiles.readAllBytes(in, "a file to compress");
            ProgressBar bar = new ProgressBar("zip", quiet);
            Jz.ZipResult r = Jz.zip(m, sha, data, new Jz.Options(chunk, lanes, engine ? JzHeader.Predictor.ENGINE : null), bar);
            bar.done();
            Files.write(out, r.bytes());
            double bpb = data.length == 0 ? 0 : 8.0 * r.bytes().length / data.length;
            System.err.printf(Locale.ROOT, "jllm: %s: %,d -> %,d bytes, %.3f bits per byte (%,d tokens, %,d raw bytes), %.1f KB/s%n",
                    in, data.length, r.bytes().length, bpb, r.tokens(), r.rawBytes(), bar.kbPerSecond(data.length));
            if (stats != null) {
                Files.writeString(stats, SurpriseMap.html(in.getFileName().toString(), r.pieces(), bpb));
                System.err.println("jllm: wrote " + stats);
            }
            Console.out().printf(Locale.ROOT, "%.4f bits per byte%n", bpb);
            Console.out().flush();
        }
        return 0;
    }

    /** Refuses to overwrite without --force, and a folder that does not exist, before any work. */
    static void refuseOverwrite(Path out, boolean force) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new NoSuchFileException(out.toString());
        }
        if (Files.exists(out) && !force) {
            throw new IllegalArgumentException(out + " exists; pass --force to overwrite it or -o to choose another name");
        }
    }

    private void bench(LoadedModel m, byte[] sha) throws Exception {
        List<ExternalCompressor> others = ExternalCompressor.STANDARD.stream().filter(ExternalCompressor::available).toList();
        StringBuilder head = new StringBuilder("| file | bytes | jllm bpb | jllm zip KB/s | jllm unzip KB/s |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|---:|---:|");
        for (ExternalCompressor c : others) {
            head.append(' ').append(c.name()).append(" bpb (KB/s) |");
            rule.append("---:|");
        }
        Console.out().println(head);
        Console.out().println(rule);
        Console.out().flush();
        for (Path f : inputs) {
            byte[] data = InputFiles.readAllBytes(f, "a file to compress");
            long t0 = System.nanoTime();
            Jz.ZipResult r = Jz.zip(m, sha, data, new Jz.Options(chunk, lanes, engine ? JzHeader.Predictor.ENGINE : null), Jz.Progress.NONE);
            long t1 = System.nanoTime();
            byte[] back = Jz.unzip(m, sha, r.bytes(), Jz.Progress.NONE);
            long t2 = System.nanoTime();
            if (!Arrays.equals(back, data)) {
                throw new IllegalStateException("round trip failed on " + f);
            }
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %,d | %.3f | %.1f | %.1f |",
                    f.getFileName(), data.length, bpb(r.bytes().length, data.length),
                    data.length / 1024.0 / ((t1 - t0) / 1e9), data.length / 1024.0 / ((t2 - t1) / 1e9)));
            for (ExternalCompressor c : others) {
                Optional<ExternalCompressor.Measurement> mm = c.measure(f);
                row.append(mm.map(x -> String.format(Locale.ROOT, " %.3f (%.0f) |", bpb(x.compressedBytes(), data.length),
                        data.length / 1024.0 / x.seconds())).orElse(" failed |"));
            }
            Console.out().println(row);
            Console.out().flush();
        }
    }

    private static double bpb(long compressed, long original) {
        return original == 0 ? 0 : 8.0 * compressed / original;
    }

    /** A one-line progress bar on stderr: percent, KB/s and running bits per byte, at most 5 updates a second. */
    static final class ProgressBar implements Jz.Progress {
        private final String what;
        private final boolean quiet;
        private final long start = System.nanoTime();
        private long last;

        ProgressBar(String what, boolean quiet) {
            this.what = what;
            this.quiet = quiet;
        }

        @Override
        public void update(long done, long total, double bits) {
            long now = System.nanoTime();
            if (quiet || (now - last < 200_000_000L && done < total)) {
                return;
            }
            last = now;
            int width = 30;
            int filled = total == 0 ? width : (int) (width * done / total);
            System.err.printf(Locale.ROOT, "\r%s [%s%s] %3d%% %,d/%,d KB %.1f KB/s %.3f bits/byte ", what,
                    "#".repeat(filled), ".".repeat(width - filled), total == 0 ? 100 : 100 * done / total,
                    done / 1024, total / 1024, kbPerSecond(done), done == 0 ? 0 : bits / done);
            System.err.flush();
        }

        double kbPerSecond(long bytes) {
            return bytes / 1024.0 / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        }

        void done() {
            if (!quiet) {
                System.err.println();
            }
        }
    }
}
