package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jllm.testing.FakeHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jllm pull}, {@code list}, {@code rm} and a pulled name given to {@code run}, each in its own JVM (the
 * cache and the hub come from HF_HOME and HF_ENDPOINT, which a test can set only for a child process),
 * against {@link FakeHub} on loopback serving the built-in model.
 */
class PullCommandTest {
    static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    Run jllm(String endpoint, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-modules") || a.startsWith("--enable-native-access")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("HF_") || k.equals("HUGGING_FACE_HUB_TOKEN"));
        env.put("HF_HOME", tmp.resolve("hf").toString());
        env.put("HF_ENDPOINT", endpoint);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8).replaceAll("(?m)^WARNING: Using incubator modules.*\\R", ""));
    }

    @Test
    void pullListRunAndRmAPulledName() throws Exception {
        Path builtin = Path.of("../models/builtin.gguf");
        byte[] model = Files.readAllBytes(builtin);
        Path snapshot = tmp.resolve("hf/hub/models--acme--builtin-GGUF/snapshots/" + COMMIT);
        String endpoint;
        try (FakeHub hub = new FakeHub()) {
            hub.add("acme/builtin-GGUF", COMMIT, Map.of("builtin-Q8_0.gguf", model, "README.md", "# builtin".getBytes()));
            endpoint = hub.endpoint().toString();

            Run pull = jllm(endpoint, "pull", "hf:acme/builtin-GGUF:Q8_0");
            assertThat(pull.exit()).as(pull.err()).isZero();
            assertThat(pull.out()).isEqualTo(snapshot.resolve("builtin-Q8_0.gguf") + "\n");
            assertThat(pull.err()).startsWith("jllm pull: builtin-Q8_0.gguf (2.0 MB)\njllm pull: builtin-Q8_0.gguf: sha256 verified\n"
                    + "jllm pull: hf:acme/builtin-GGUF:Q8_0: 2.0 MB downloaded in ");
            assertThat(hub.cdnRequests()).hasSize(1);

            Run missing = jllm(endpoint, "pull", "hf:acme/nope:Q4_0");
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).isEqualTo("jllm: hf:acme/nope:Q4_0: no repository acme/nope on " + endpoint + " (HTTP 404)\n");
        }
        // the hub is gone: what follows reads the cache only

        Run again = jllm(endpoint, "pull", "hf:acme/builtin-GGUF:Q8_0");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.err()).isEqualTo("jllm pull: hf:acme/builtin-GGUF:Q8_0 is in the cache already (no download; "
                + "jllm rm hf:acme/builtin-GGUF:Q8_0 to fetch it again)\n");

        Run list = jllm(endpoint, "list");
        assertThat(list.out()).isEqualTo(String.format("%-25s  %10s  %s%n%-25s  %10s  %s%n", "NAME", "SIZE", "PATH",
                "hf:acme/builtin-GGUF:Q8_0", PullCommand.size(model.length), snapshot.resolve("builtin-Q8_0.gguf")));

        Run byName = jllm(endpoint, "run", "hf:acme/builtin-GGUF:Q8_0", "-p", "Once upon a time", "-n", "8");
        Run byPath = jllm(endpoint, "run", builtin.toString(), "-p", "Once upon a time", "-n", "8");
        assertThat(byName.exit()).as(byName.err()).isZero();
        assertThat(byName.out()).isNotBlank().isEqualTo(byPath.out());

        Run rm = jllm(endpoint, "rm", "hf:acme/builtin-GGUF:Q8_0");
        assertThat(rm.err()).isEqualTo("jllm rm: removed hf:acme/builtin-GGUF:Q8_0 (2.0 MB freed)\n");
        assertThat(Files.exists(tmp.resolve("hf/hub/models--acme--builtin-GGUF"))).isFalse();

        Run gone = jllm(endpoint, "run", "hf:acme/builtin-GGUF:Q8_0", "-p", "x", "-n", "1");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("jllm: hf:acme/builtin-GGUF:Q8_0 is not pulled yet (looked in " + tmp.resolve("hf/hub")
                + "); run: jllm pull hf:acme/builtin-GGUF:Q8_0\n");
    }
}
