package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers --help and -h with its usage and exit status 0, and no picocli warning. */
class HelpTest {

    /** The argument paths of every command in the tree: [run], [arena], [arena, leaderboard], ... */
    static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), paths, new IdentityHashMap<>());
        return paths;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> out, Map<CommandLine, Boolean> seen) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (seen.put(sub, true) != null) { // aliases map to the same command
                continue;
            }
            List<String> p = new ArrayList<>(path);
            p.add(sub.getCommandName());
            out.add(p);
            walk(sub, p, out, seen);
        }
    }

    @Test
    void theTreeHoldsEveryCommandAndTheArenaAndGrammarSubcommands() {
        List<String> names = commandPaths().stream().map(p -> String.join(" ", p)).toList();
        assertThat(names).hasSize(Main.SUBCOMMANDS.size() + 4 + 2 + 2)
                .contains("run", "chat", "tokenize", "train", "zip", "serve-bench", "help", "arena leaderboard", "arena battle",
                        "grammar test", "grammar bench", "guard train", "guard check");
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        for (List<String> path : commandPaths()) {
            for (String flag : new String[]{"--help", "-h"}) {
                List<String> args = new ArrayList<>(path);
                args.add(flag);
                CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
                String what = String.join(" ", args);
                assertThat(r.exit()).as(what + ": " + r.err()).isZero();
                assertThat(r.err()).as(what).isEmpty();
                String usage = path.equals(List.of("help")) ? "Usage: jllm help" : "Usage: jllm " + String.join(" ", path);
                assertThat(r.out()).as(what).contains(usage);
            }
        }
    }

    @Test
    void rootHelpAndVersion() {
        CliRunner.Result help = CliRunner.run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: jllm", "tokenize", "serve-bench", "arena");
        CliRunner.Result version = CliRunner.run("run", "--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("jllm ");
    }

    /**
     * picocli prints its warnings (an unescaped '%' in a description, say) through a tracer bound to the
     * stderr of the JVM's first use of picocli, which an in-process capture may not be: so the whole tree's
     * help runs in a fresh JVM, whose stderr must stay empty.
     */
    @Test
    void noPicocliWarningAnywhereInTheTree() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HelpTest.class.getName())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(err).isEmpty();
    }

    /** The child of {@link #noPicocliWarningAnywhereInTheTree}: every help page, usage text discarded. */
    public static void main(String[] args) throws IOException {
        Console.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        int failed = 0;
        for (List<String> path : commandPaths()) {
            List<String> a = new ArrayList<>(path);
            a.add("--help");
            if (Main.execute(a.toArray(String[]::new)) != 0) {
                System.err.println("exit status not 0: " + a);
                failed++;
            }
        }
        System.exit(failed == 0 ? 0 : 1);
    }
}
