package jllm.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Reads the imports of core's sources and fails on a back-edge: dependencies point one way, from the
 * data-flow stage a package belongs to towards earlier stages only, and only jllm.kernel.vector
 * imports the incubating Vector API.
 */
class DependencyDirectionTest {
    /** Stage of each top-level core package; a package may import only its own or lower stages. */
    private static final Map<String, Integer> STAGE = Map.of(
            "tensor", 0,
            "format", 1,
            "hub", 1, // where model files come from: before anything reads them
            "kernel", 2,
            "tokenizer", 3,
            "model", 4,
            "generate", 5);

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?jllm\\.([a-z0-9]+)\\.", Pattern.MULTILINE);

    @Test
    void corePackagesImportOnlyEarlierStages() throws IOException {
        Path root = Path.of("src/main/java/jllm");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                Integer own = STAGE.get(pkg);
                assertThat(own).as("package jllm.%s has no stage in this test", pkg).isNotNull();
                String src = Files.readString(f);
                Matcher m = IMPORT.matcher(src);
                while (m.find()) {
                    Integer dep = STAGE.get(m.group(1));
                    if (dep != null && dep > own) {
                        violations.add(f + " imports jllm." + m.group(1));
                    }
                }
                if (src.contains("import jdk.incubator.vector") && !root.relativize(f).toString().startsWith("kernel/vector")) {
                    violations.add(f + " uses jdk.incubator.vector outside jllm.kernel.vector");
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
