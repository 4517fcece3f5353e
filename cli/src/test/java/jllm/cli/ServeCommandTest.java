package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import jllm.testing.SharedData;

/** jllm serve refuses unsafe binds; jllm serve-bench measures an in-process server. */
class ServeCommandTest {

    @Test
    void bindingBeyondLoopbackWithoutAKeyIsRefused() {
        String m = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf").toString();
        CliRunner.Result r = CliRunner.run("serve", m, "--host", "0.0.0.0", "--port", "0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--api-key");
    }

    /**
     * {@code jllm serve} in a child JVM (it serves until stopped): by default its start and stop print the URL
     * line and none of Jetty's or Javalin's INFO lines.
     */
    @Test
    void startPrintsTheUrlAndNoServerInfoLines() throws Exception {
        String m = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf").toString();
        List<String> quiet = serveAndStop(m, "--port", "0", "-t", "1");
        assertThat(quiet).anySatisfy(l -> assertThat(l).matches("jllm serve: \\[stories260K-Q8_0\\] at http://127\\.0\\.0\\.1:\\d+/v1; "
                + "the chat page is at http://127\\.0\\.0\\.1:\\d+/ \\(Ctrl-C stops\\)"));
        assertThat(quiet).as(String.join("\n", quiet)).noneMatch(l -> l.contains("INFO") || l.contains("org.eclipse.jetty")
                || l.contains("io.javalin") || l.contains("Javalin"));
    }

    @Test
    void verboseLetsTheServersInfoLinesThrough() {
        // what `serve --verbose` sets (a second child JVM would cost another model load and warm-up)
        Logger jetty = Logger.getLogger("org.eclipse.jetty.server.Server");
        try {
            ServeCommand.serverLogs(false);
            assertThat(jetty.isLoggable(Level.INFO)).isFalse();
            assertThat(jetty.isLoggable(Level.WARNING)).isTrue();
            ServeCommand.serverLogs(true);
            assertThat(jetty.isLoggable(Level.INFO)).isTrue();
        } finally {
            ServeCommand.serverLogs(false);
        }
    }

    /** The stderr lines of {@code jllm serve ARGS} from start until it has printed its URL and been stopped (SIGTERM). */
    private static List<String> serveAndStop(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
        cmd.addAll(List.of(args));
        Process child = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(reading stderr failed: " + e + ")");
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (lines.stream().noneMatch(l -> l.startsWith("jllm serve: ")) && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            // SIGTERM: the shutdown hook stops the server, which logs as it stops
            child.toHandle().destroy();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
            reader.join(10_000);
        } finally {
            child.destroyForcibly();
        }
        return lines;
    }

    @Test
    void serveBenchReportsEachConcurrency() {
        String m = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf").toString();
        CliRunner.Result r = CliRunner.run("serve-bench", m, "-n", "8", "--streams", "1,2", "-t", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("tokens/s=").contains("speedup="));
        assertThat(r.out()).contains("streams=1 ").contains("streams=2 ");
    }
}
