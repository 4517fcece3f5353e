package jllm.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jllm.format.ModelFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code jllm} command: one picocli subcommand per job. Results go to stdout;
 * diagnostics and timings to stderr. Errors print one line ({@link Errors}; a stack trace only with
 * --verbose). Every command and subcommand answers {@code --help} and {@code -h}.
 */
@Command(name = "jllm", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "A pure-Java toolkit for large language models.")
public final class Main {
    /** The subcommands, in the order help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(RunCommand.class, ChatCommand.class, PredictCommand.class,
            TokenizeCommand.class, InspectCommand.class, PerplexityCommand.class, BenchCommand.class,
            QuantizeCommand.class, ConvertCommand.class, TrainCommand.class, SftCommand.class, DpoCommand.class,
            TaskCommand.class, ReasonCommand.class, GrpoCommand.class, ScorerCommand.class, GuardCommand.class, RedteamCommand.class,
            ZipCommand.class, UnzipCommand.class, ServeCommand.class, ServeCommand.Bench.class, ArenaCommand.class, GrammarCommand.class,
            PullCommand.class, ListCommand.class, RmCommand.class, ScaleCommand.class,
            CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        int status = 1;
        try {
            status = execute(args);
        } finally {
            awaitStderrFilter();
        }
        System.exit(status);
    }

    /** Runs the command line and returns the exit status (tests call this). */
    public static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /**
     * The command line for {@code args}. picocli builds the model of every command it is given, by
     * reflection, before parsing: about 0.2 s for all of them on a cold JVM, which is part of every run's
     * time to first token. A command line that names a subcommand first only gets that one; anything else
     * (help, a typo, an option first, no arguments) gets them all, so help and suggestions list every command.
     * {@code --help}, {@code -h}, {@code --version} and {@code -V} come from here, inherited by every
     * subcommand ({@code scope = INHERIT}).
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> named = args.length == 0 ? null : SUBCOMMANDS.stream()
                .filter(c -> c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(args[0]))
                .findFirst().orElse(null);
        for (Class<?> c : named != null ? List.of(named) : SUBCOMMANDS) {
            cl.addSubcommand(c);
        }
        cl.setOut(new PrintWriter(Console.out(), true));
        cl.setExecutionExceptionHandler(Main::handle);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
        PrintWriter err = cl.getErr();
        if (verbose) {
            e.printStackTrace(err);
        }
        err.println("jllm: " + Errors.message(e));
        err.flush();
        return e instanceof ModelFormatException ? 3 : 1;
    }

    /**
     * The launcher ({@code ./jllm}) runs java in its own place ({@code exec}) with stderr piped through a
     * filter that drops the JVM's incubator-module warning; the filter is thus this process's child. Closing
     * stderr ends the filter's input; waiting for it to exit means every error line is out before this
     * process, and with it the launcher, exits (else a line could follow the shell's next prompt).
     */
    private static void awaitStderrFilter() {
        List<ProcessHandle> children = ProcessHandle.current().children().toList();
        if (children.isEmpty()) {
            return;
        }
        System.err.flush();
        System.err.close();
        long deadline = System.nanoTime() + 2_000_000_000L; // the filter exits at once on end of input
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                return;
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"jllm " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
