package jllm.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import jllm.format.json.Json;

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

    /**
     * The model files listed in testdata/models/MANIFEST.json (relative to testdata/models), for
     * parameterized oracle tests; one placeholder entry when the shared folder is missing, so the
     * test that receives it is skipped with the reason by {@link #require(String)}.
     */
    @SuppressWarnings("unchecked")
    public static java.util.stream.Stream<String> manifestModels() throws java.io.IOException {
        Path root = root();
        if (root == null) {
            return java.util.stream.Stream.of("(shared data missing)");
        }
        Map<String, Object> manifest = Json.parseObject(Files.readString(root.resolve("testdata/models/MANIFEST.json")), "MANIFEST.json");
        return ((List<Object>) manifest.get("models")).stream().map(o -> (String) ((Map<String, Object>) o).get("file"));
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
