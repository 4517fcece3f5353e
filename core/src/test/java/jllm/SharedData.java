package jllm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared}, the oracle data made with the reference implementations. Tests that need
 * it call {@link #require(String)}, which skips them with a reason when it does not exist (in CI it
 * always does). Never copy these files into the repository.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The shared folder, or null when it cannot be found. */
    public static Path root() {
        String prop = System.getProperty("jllm.shared");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path cand = p.resolveSibling("shared");
            if (Files.isDirectory(cand.resolve("testdata"))) {
                return cand.normalize();
            }
        }
        return null;
    }

    /** A path under the shared folder; skips the calling test (with the reason) when it is missing. */
    public static Path require(String relative) {
        Path root = root();
        assumeTrue(root != null, "skipped: ../shared (oracle data) not found beside the repository");
        Path p = root.resolve(relative);
        assumeTrue(Files.exists(p), "skipped: " + p + " does not exist");
        return p;
    }
}
