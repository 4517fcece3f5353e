package jllm.compress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A classic compressor run as a program, for comparison tables: gzip -9, bzip2 -9, xz -9, zstd -19.
 *
 * @param name    how tables label it, e.g. {@code "xz -9"}
 * @param command the program and its options; the file is appended and the output read from stdout
 */
public record ExternalCompressor(String name, List<String> command) {

    /** The four the comparison uses. */
    public static final List<ExternalCompressor> STANDARD = List.of(
            new ExternalCompressor("gzip -9", List.of("gzip", "-9", "-c")),
            new ExternalCompressor("bzip2 -9", List.of("bzip2", "-9", "-c")),
            new ExternalCompressor("xz -9", List.of("xz", "-9", "-c")),
            new ExternalCompressor("zstd -19", List.of("zstd", "-19", "-c", "-q")));

    /** Compressed size and wall time of one run. */
    public record Measurement(long compressedBytes, double seconds) {
    }

    /** Whether the program is on the PATH. */
    public boolean available() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command.get(0)))) {
                return true;
            }
        }
        return false;
    }

    /** Compresses {@code file}, counting the output bytes; empty when the program is missing or fails. */
    public Optional<Measurement> measure(Path file) {
        if (!available()) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>(command);
        cmd.add(file.toString());
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long n = 0;
            byte[] buf = new byte[1 << 16];
            try (InputStream in = p.getInputStream()) {
                for (int r; (r = in.read(buf)) > 0; ) {
                    n += r;
                }
            }
            if (p.waitFor() != 0) {
                return Optional.empty();
            }
            return Optional.of(new Measurement(n, (System.nanoTime() - t0) / 1e9));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
