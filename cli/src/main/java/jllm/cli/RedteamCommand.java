package jllm.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.eval.redteam.AttackCase;
import jllm.eval.redteam.AttackSets;
import jllm.eval.redteam.CaseResult;
import jllm.eval.redteam.JudgeModel;
import jllm.eval.redteam.ModelTarget;
import jllm.eval.redteam.OpenAiTarget;
import jllm.eval.redteam.RedTeam;
import jllm.eval.redteam.Report;
import jllm.eval.redteam.Screen;
import jllm.eval.redteam.Target;
import jllm.kernel.Dense;
import jllm.model.LoadedModel;
import jllm.server.ServedModel;
import jllm.train.guard.GuardModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm redteam MODEL|URL}: attack prompts to a model (in process) or an OpenAI-compatible server,
 * each reply judged, attack success rate per family with and without a guard.
 *
 * <pre>
 * jllm redteam models/builtin.gguf --attacks giskard,advbench --limit 20 --guard models/guard.gguf -o log.jsonl
 * jllm redteam http://127.0.0.1:8080 --attacks all --limit 50 --judge http://127.0.0.1:8081
 * </pre>
 */
@Command(name = "redteam", description = "Send attack prompts (giskard jailbreaks and hijackings, AdvBench, BIPIA, HH-RLHF) to a model "
        + "or an OpenAI-compatible URL, judge each reply, and print the attack success rate per family, with and without a guard.")
final class RedteamCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL|URL", description = "A model file or folder (run in process), or a server URL "
            + "(http://host:port, .../v1 or .../v1/chat/completions).")
    String target;

    @Option(names = "--attacks", split = ",", paramLabel = "FAMILY", description = "Attack families: giskard-jailbreak, giskard-hijacking, "
            + "advbench, bipia-text, bipia-code, hh-rlhf, or giskard, bipia, all (default: ${DEFAULT-VALUE}).")
    List<String> attacks = List.of("all");

    @Option(names = "--data", paramLabel = "DIR", description = "The prompt-injection folder (advbench/, bipia/, giskard/; hh-rlhf-harmless-test "
            + "beside it) (default: ../shared/data/prompt-injection beside the jllm folder).")
    Path data;

    @Option(names = "--limit", paramLabel = "K", description = "At most K cases per family, a seeded sample (default: all).")
    int limit;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the sample, the e-mails BIPIA attacks go in, and the sampling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per reply (default: ${DEFAULT-VALUE}).")
    int maxTokens = 64;

    @Option(names = "--guard", paramLabel = "MODEL", description = "A guard classifier GGUF ('default': models/guard.gguf) screening each prompt; "
            + "a flagged prompt counts as blocked in the ASR+guard column.")
    String guard;

    @Option(names = "--judge", paramLabel = "URL|MODEL", description = "A judge model asked a yes/no rubric about each answered case; "
            + "its parsed answer replaces the string rule's verdict.")
    String judge;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write one JSON line per case (prompt, reply, verdicts, guard).")
    Path output;

    @Option(names = "--model-name", paramLabel = "NAME", description = "The 'model' field sent to the URL target (default: none, the server's only model).")
    String modelName;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Longest wait for one reply from a URL (default: ${DEFAULT-VALUE}).")
    int timeout = 120;

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "Context length for a model run in process (default: " + Contexts.HELP + ").")
    int ctx;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws IOException {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be positive, got " + maxTokens);
        }
        if (timeout < 1) {
            throw new IllegalArgumentException("--timeout must be positive, got " + timeout);
        }
        List<String> families = AttackSets.families(attacks);
        Path dir = data != null ? data : defaultData();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no attack data at " + dir + ": give --data DIR (the prompt-injection folder with advbench/, bipia/, giskard/)");
        }
        List<AttackCase> cases = AttackSets.load(dir, families, limit, seed);
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Target t = target(target, maxTokens, open);
            Optional<Screen> screen = guard == null ? Optional.empty() : Optional.of(screen(guard, open));
            Optional<JudgeModel> judgeModel = judge == null ? Optional.empty() : Optional.of(new JudgeModel(target(judge, 8, open)));
            System.err.printf(Locale.ROOT, "jllm redteam: %d cases (%s) against %s%s%s%n", cases.size(), String.join(", ", families), t.name(),
                    screen.map(s -> ", guard " + s.name()).orElse(""), judgeModel.map(j -> ", judge " + j.name()).orElse(""));
            BufferedWriter log = output == null ? null : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
            if (log != null) {
                open.add(log);
            }
            int[] done = {0};
            Report report = RedTeam.run(cases, t, screen, judgeModel, seed, r -> {
                write(log, r);
                if (++done[0] % 25 == 0 || done[0] == cases.size()) {
                    System.err.printf(Locale.ROOT, "jllm redteam: %d/%d%n", done[0], cases.size());
                }
            });
            PrintStream out = Console.out();
            out.printf(Locale.ROOT, "target %s; guard %s; judge %s; max tokens %d, seed %d%n", report.target(),
                    report.guard() == null ? "none" : report.guard(), report.judge() == null ? "none (string rules)" : report.judge(), maxTokens, seed);
            out.print(report.table());
            out.println("ASR = successes / judged; blocked (by the target) counts as a failure; too-long and unjudged cases are left out.");
            out.flush();
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    System.err.println("jllm redteam: closing: " + Errors.message(e));
                }
            }
        }
        return 0;
    }

    private static void write(BufferedWriter log, CaseResult r) {
        if (log == null) {
            return;
        }
        try {
            log.write(r.toJson());
            log.newLine();
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the log: " + e.getMessage(), e);
        }
    }

    /** A URL or a model file as a target replying with at most {@code tokens} tokens. */
    private Target target(String spec, int tokens, List<AutoCloseable> open) throws IOException {
        if (OpenAiTarget.isUrl(spec)) {
            return new OpenAiTarget(OpenAiTarget.endpoint(spec), Optional.ofNullable(modelName), tokens, Duration.ofSeconds(timeout));
        }
        Path p = Path.of(spec);
        InputFiles.check(p, "a model file or folder, or an http(s) URL");
        LoadedModel m = modelOptions.load(p);
        open.add(m);
        return new ModelTarget(ServedModel.nameOf(p), m.model(), m.tokenizer(), m.chatTemplate(),
                Contexts.choose(ctx, m.model().info()).positions(), tokens);
    }

    private Screen screen(String spec, List<AutoCloseable> open) throws IOException {
        Path p = spec.equals("default") ? GuardCommand.defaultModel() : Path.of(spec);
        InputFiles.check(p, "a guard GGUF");
        GuardModel g = GuardModel.load(p, Dense.vector(Math.max(1, modelOptions.threads)));
        open.add(g);
        return Screen.of(ServedModel.nameOf(p), text -> g.check(text).attack());
    }

    /** ../shared/data/prompt-injection beside the jllm folder (the launcher's jllm.home, else the current folder). */
    private static Path defaultData() {
        String home = System.getProperty("jllm.home");
        return Path.of(home == null ? "." : home).toAbsolutePath().normalize().resolveSibling("shared").resolve("data").resolve("prompt-injection");
    }
}
